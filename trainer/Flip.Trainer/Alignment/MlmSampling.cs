using static TorchSharp.torch;

namespace Flip.Trainer.Alignment;

/// <summary>
/// Sampled softmax for the MLM decoder (an option; the paper uses the full softmax over the 30,522-word vocabulary).
/// Per batch, the candidates are every distinct target word plus <see cref="Negatives"/> words drawn uniformly (with
/// replacement, duplicates merged); each masked token is scored against the candidates only, and each candidate's
/// logit is corrected by -log Q(word), Q being its chance to be a candidate: 1 for a target word, 1-(1-1/V)^K for a
/// drawn one (Jean et al. 2015, "On Using Very Large Target Vocabulary"). The decoder's cost falls from V to |C|
/// columns. All drawn on the host while the batch is built: no data-dependent shapes on the device.
/// </summary>
public sealed record MlmSampling(int Negatives, int VocabularySize)
{
    /// <summary>The candidates for <paramref name="targets"/> (word ids of the masked tokens, in order).</summary>
    public MlmCandidates Draw(IReadOnlyList<long> targets, Random random, Device device)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Negatives, 1);
        var targetWords = new HashSet<long>(targets);
        var drawn = new HashSet<long>();
        for (var k = 0; k < Negatives; k++)
        {
            var word = random.Next(VocabularySize);
            if (!targetWords.Contains(word)) drawn.Add(word);
        }
        var candidates = targetWords.Order().Concat(drawn.Order()).ToArray();
        var index = new Dictionary<long, long>(candidates.Length);
        for (var i = 0; i < candidates.Length; i++) index[candidates[i]] = i;
        var drawnLogQ = (float)Math.Log(-double.ExpM1(Negatives * double.LogP1(-1.0 / VocabularySize)));
        var logQ = candidates.Select((_, i) => i < targetWords.Count ? 0f : drawnLogQ).ToArray();
        return new MlmCandidates(
            tensor(candidates, device: device),
            tensor(logQ, device: device),
            tensor(targets.Select(t => index[t]).ToArray(), device: device));
    }
}

/// <summary>One batch's sampled-softmax candidates: word ids [C], log Q [C], each target's index into them [N].</summary>
public sealed record MlmCandidates(Tensor Words, Tensor LogQ, Tensor TargetIndex) : IDisposable
{
    public void Dispose()
    {
        Words.Dispose();
        LogQ.Dispose();
        TargetIndex.Dispose();
    }
}
