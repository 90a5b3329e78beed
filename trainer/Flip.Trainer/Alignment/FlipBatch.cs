using Flip.FeatureStore.Text;
using static TorchSharp.torch;

namespace Flip.Trainer.Alignment;

/// <summary>
/// One batch of text-tabular pairs as device tensors, cut to the batch's longest text: the original views, and (for pretraining) the masked views,
/// MLM labels, the tabular mask and the NCE candidates (true id first, then K noise ids) with log(K·q).
/// </summary>
public sealed class FlipBatch : IDisposable
{
    public required int Size { get; init; }
    public required Tensor TokenIds { get; init; }
    public required Tensor AttentionMask { get; init; }
    public required Tensor FeatureIds { get; init; }
    /// <summary>Click labels [B] as float 0/1.</summary>
    public required Tensor Labels { get; init; }
    public Tensor? MaskedTokenIds { get; init; }
    /// <summary>[B, L]; <see cref="FlipMasker.IgnoreLabel"/> where the token is not an MLM target.</summary>
    public Tensor? MlmLabels { get; init; }
    public Tensor? MaskedFeatureIds { get; init; }
    /// <summary>[B, F] boolean, true for MTM targets.</summary>
    public Tensor? TabularMask { get; init; }
    /// <summary>[B, F, 1+K]: the true feature id, then K noise ids (zeros for unmasked fields).</summary>
    public Tensor? NceCandidates { get; init; }
    /// <summary>[B, F, 1+K]: log(K·q(id)) of each candidate, subtracted from its score.</summary>
    public Tensor? NceLogNoise { get; init; }
    /// <summary>
    /// [N] flat indices (row·L + token) of the MLM targets, found on the host while masking so the loss needs no
    /// data-dependent shape on the device (no nonzero(), no host sync). Null: derived from <see cref="MlmLabels"/>.
    /// </summary>
    public Tensor? MlmPositions { get; init; }
    /// <summary>MTM targets in the batch (true cells of <see cref="TabularMask"/>), counted on the host; null when unknown.</summary>
    public int? MaskedFieldCount { get; init; }
    /// <summary>Sampled-softmax MLM (<see cref="MlmSampling"/>): the batch's candidate word ids [C], their log Q and each target's index in them [N].</summary>
    public MlmCandidates? MlmCandidates { get; init; }

    /// <summary>Plain batch (finetuning / inference): no masking.</summary>
    public static FlipBatch Create(IReadOnlyList<TextTabularPair> pairs, Device device)
    {
        var (b, l, f) = Shape(pairs);
        var (tokens, mask, features, labels) = Unmasked(pairs, b, l, f, device);
        return new FlipBatch { Size = b, TokenIds = tokens, AttentionMask = mask, FeatureIds = features, Labels = labels };
    }

    /// <summary>The unmasked views every batch carries: tokens and attention mask cut to <paramref name="l"/>, feature ids, labels.</summary>
    private static (Tensor TokenIds, Tensor AttentionMask, Tensor FeatureIds, Tensor Labels) Unmasked(
        IReadOnlyList<TextTabularPair> pairs, int b, int l, int f, Device device) => (
        Long(pairs.SelectMany(p => p.TokenIds.Take(l)), b, l, device),
        Long(pairs.SelectMany(p => p.AttentionMask.Take(l).Select(m => (int)m)), b, l, device),
        Long(pairs.SelectMany(p => p.FeatureIds), b, f, device),
        tensor(pairs.Select(p => (float)p.Label).ToArray(), device: device));

    /// <summary>
    /// Pretraining batch: masks both views and draws <paramref name="noiseSamples"/> NCE noise ids per masked field;
    /// with <paramref name="mlmSampling"/>, also the sampled-softmax candidates of the MLM targets.
    /// </summary>
    public static FlipBatch CreateMasked(IReadOnlyList<TextTabularPair> pairs, FlipMasker masker, FeatureNoiseDistribution noise, int noiseSamples, Random random, Device device,
        MlmSampling? mlmSampling = null)
    {
        var (b, l, f) = Shape(pairs);
        var masked = pairs.Select(p => masker.Mask(p, random)).ToArray();
        var width = 1 + noiseSamples;
        var candidates = new long[b * f * width];
        var logNoise = new float[b * f * width];
        for (var i = 0; i < b; i++)
            for (var field = 0; field < f; field++)
            {
                if (!masked[i].MaskedFields[field] || !noise.FieldHasIds(field)) continue;
                var at = (i * f + field) * width;
                var truth = pairs[i].FeatureIds[field];
                candidates[at] = truth;
                logNoise[at] = LogKq(noise, truth, noiseSamples);
                for (var k = 1; k < width; k++)
                {
                    var id = noise.SampleFromField(field, random);
                    candidates[at + k] = id;
                    logNoise[at + k] = LogKq(noise, id, noiseSamples);
                }
            }
        var fieldsWithNoise = Enumerable.Range(0, f).Select(noise.FieldHasIds).ToArray();
        var tabularMask = masked.SelectMany(m => m.MaskedFields.Select((x, field) => x && fieldsWithNoise[field])).ToArray();
        var (tokens, mask, features, labels) = Unmasked(pairs, b, l, f, device);
        var positions = new List<long>();
        var targets = new List<long>();
        for (var i = 0; i < b; i++)
            for (var t = 0; t < l; t++)
                if (masked[i].MlmLabels[t] != FlipMasker.IgnoreLabel)
                {
                    positions.Add((long)i * l + t);
                    targets.Add(masked[i].MlmLabels[t]);
                }
        return new FlipBatch
        {
            Size = b,
            TokenIds = tokens,
            AttentionMask = mask,
            FeatureIds = features,
            Labels = labels,
            MaskedTokenIds = Long(masked.SelectMany(m => m.TokenIds.Take(l)), b, l, device),
            MlmLabels = Long(masked.SelectMany(m => m.MlmLabels.Take(l)), b, l, device),
            MaskedFeatureIds = Long(masked.SelectMany(m => m.FeatureIds), b, f, device),
            TabularMask = tensor(tabularMask, device: device).view(b, f),
            NceCandidates = tensor(candidates, device: device).view(b, f, width),
            NceLogNoise = tensor(logNoise, device: device).view(b, f, width),
            MlmPositions = tensor(positions.ToArray(), device: device),
            MaskedFieldCount = tabularMask.Count(x => x),
            MlmCandidates = mlmSampling?.Draw(targets, random, device),
        };
    }

    // A true id never counted in the vocabulary still gets the smoothed q, so the log stays finite.
    static float LogKq(FeatureNoiseDistribution noise, long id, int k) =>
        (float)Math.Log(k * Math.Max(noise.ProbabilityOf((int)id), 1e-12));

    static (int B, int L, int F) Shape(IReadOnlyList<TextTabularPair> pairs)
    {
        if (pairs.Count == 0) throw new ArgumentException("a batch needs at least one pair", nameof(pairs));
        var (padded, f) = (pairs[0].TokenIds.Length, pairs[0].FeatureIds.Length);
        var longest = 1;
        foreach (var p in pairs)
        {
            if (p.TokenIds.Length != padded || p.AttentionMask.Length != padded || p.FeatureIds.Length != f || p.ValueSpans.Length != f)
                throw new ArgumentException($"pairs in a batch must share the padded length {padded} and field count {f}", nameof(pairs));
            longest = Math.Max(longest, Array.LastIndexOf(p.AttentionMask, (byte)1) + 1);
        }
        // Dynamic padding: columns past the batch's longest text are padding in every row, so they are cut
        // (ML-1M texts average 54 of 100 tokens; attention cost grows with L).
        return (pairs.Count, longest, f);
    }

    static Tensor Long(IEnumerable<int> values, int rows, int columns, Device device) =>
        tensor(values.Select(v => (long)v).ToArray(), device: device).view(rows, columns);

    /// <summary>The same batch in pinned (page-locked) host memory, so <see cref="To"/> can copy asynchronously; this one is disposed.</summary>
    public FlipBatch Pinned()
    {
        var pinned = Map(t => t.pin_memory());
        Dispose();
        return pinned;
    }

    /// <summary>A copy on <paramref name="device"/>; from pinned memory the copies are queued without waiting (non-blocking).</summary>
    public FlipBatch To(Device device) => Map(t => t.to(device, non_blocking: true));

    FlipBatch Map(Func<Tensor, Tensor> f) => new()
    {
        Size = Size,
        TokenIds = f(TokenIds),
        AttentionMask = f(AttentionMask),
        FeatureIds = f(FeatureIds),
        Labels = f(Labels),
        MaskedTokenIds = MaskedTokenIds is null ? null : f(MaskedTokenIds),
        MlmLabels = MlmLabels is null ? null : f(MlmLabels),
        MaskedFeatureIds = MaskedFeatureIds is null ? null : f(MaskedFeatureIds),
        TabularMask = TabularMask is null ? null : f(TabularMask),
        NceCandidates = NceCandidates is null ? null : f(NceCandidates),
        NceLogNoise = NceLogNoise is null ? null : f(NceLogNoise),
        MlmPositions = MlmPositions is null ? null : f(MlmPositions),
        MaskedFieldCount = MaskedFieldCount,
        MlmCandidates = MlmCandidates is { } c ? new MlmCandidates(f(c.Words), f(c.LogQ), f(c.TargetIndex)) : null,
    };

    public void Dispose()
    {
        foreach (var t in new[] { TokenIds, AttentionMask, FeatureIds, Labels, MaskedTokenIds, MlmLabels, MaskedFeatureIds, TabularMask, NceCandidates, NceLogNoise, MlmPositions })
            t?.Dispose();
        MlmCandidates?.Dispose();
    }
}
