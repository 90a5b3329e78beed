using TorchSharp;
using TorchSharp.Utils;
using Flip.Trainer.Plm;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Flip.Trainer.Alignment;

/// <summary>Sizes and rates of FLIP's pretraining heads. Section <c>Flip:Heads</c>.</summary>
public sealed class FlipHeadOptions
{
    /// <summary>Output size of the two ICL projection heads. Default 128 (paper).</summary>
    public int ProjectionSize { get; set; } = 128;
    /// <summary>ICL temperature τ. Default 0.7 (paper).</summary>
    public double Temperature { get; set; } = 0.7;
    /// <summary>Size of MTM's per-field representations and candidate output embeddings. Default 32.</summary>
    public int MtmEmbeddingSize { get; set; } = 32;
    /// <summary>NCE noise ids per masked field. Default 25 (paper).</summary>
    public int NoiseSamples { get; set; } = 25;
    /// <summary>Dropout inside the MLM head. Default 0.1.</summary>
    public double Dropout { get; set; } = 0.1;
    /// <summary>
    /// MLM decoder: 0 = full softmax over the PLM's vocabulary (the paper's; default); K > 0 = sampled softmax over
    /// each batch's target words plus K uniformly drawn words, log-Q corrected (<see cref="MlmSampling"/>).
    /// </summary>
    public int MlmSampledNegatives { get; set; }
    /// <summary>
    /// The text vector ICL contrasts with v: Cls (the paper's [CLS] state; default) or Mean (mean of the unpadded token
    /// states, the pooling the pretrained MiniLM sentence encoder was trained with). A diagnostic option: see
    /// docs/flip-alignment.md, "Making pretraining learn".
    /// </summary>
    public IclTextPooling IclPooling { get; set; } = IclTextPooling.Cls;
}

/// <summary>How ICL reduces the PLM's token states to one text vector.</summary>
public enum IclTextPooling
{
    /// <summary>The [CLS] (first) token's state, as in the paper.</summary>
    Cls,
    /// <summary>The mean over the tokens the attention mask keeps (padding excluded).</summary>
    Mean,
}

/// <summary>
/// FLIP pretraining (paper 3.3): a BERT PLM and an ID model aligned by MLM (text reconstructed with the help of the
/// unmasked row), MTM (row reconstructed with the help of the unmasked text, NCE over sampled candidates) and
/// ICL (contrastive [CLS] ↔ v). Module names: <c>plm.*</c> (Hugging Face BERT names), <c>id_model.*</c>,
/// <c>mlm_head.*</c>, <c>mtm_head.*</c>, <c>icl_head.*</c>.
/// </summary>
/// <remarks>forward(masked batch from <see cref="FlipBatch.CreateMasked"/>) → the enabled losses.</remarks>
public sealed class FlipPretrainingModel : nn.Module<FlipBatch, FlipLosses>
{
    [ComponentName(Name = "plm")]
    readonly BertForMaskedLM _plm;
    [ComponentName(Name = "mlm_head")]
    readonly MlmReconstructionHead _mlmHead;
    [ComponentName(Name = "mtm_head")]
    readonly MtmReconstructionHead _mtmHead;
    [ComponentName(Name = "icl_head")]
    readonly IclProjectionHeads _iclHead;
    readonly MixedPrecisionPlm _text;

    public FlipPretrainingModel(BertForMaskedLM plm, IFlipIdEncoder idModel, int fieldCount, int featureVocabularySize,
        FlipObjectives objectives, FlipHeadOptions heads, bool bf16 = false) : base(nameof(FlipPretrainingModel))
    {
        _plm = plm;
        IdModel = idModel;
        Objectives = objectives;
        Heads = heads;
        var dt = plm.Config.HiddenSize;
        var dv = idModel.RepresentationSize;
        var joint = objectives.JointReconstruction;
        _mlmHead = new MlmReconstructionHead(dt, joint ? dv : 0, plm.Config.VocabSize, heads.Dropout);
        _mtmHead = new MtmReconstructionHead(dv, joint ? dt : 0, fieldCount, featureVocabularySize, heads.MtmEmbeddingSize);
        _iclHead = new IclProjectionHeads(dt, dv, heads.ProjectionSize, heads.Temperature);
        RegisterComponents();
        register_module("id_model", idModel.Module);
        var device = plm.parameters().First().device;
        _mlmHead.to(device);
        _mtmHead.to(device);
        _iclHead.to(device);
        _text = new MixedPrecisionPlm(plm, bf16);
    }

    public BertForMaskedLM Plm => _plm;
    internal MlmReconstructionHead MlmHead => _mlmHead;
    internal MtmReconstructionHead MtmHead => _mtmHead;
    internal IclProjectionHeads IclHead => _iclHead;

    /// <summary>ICL's text vector from token states [B, L, Dt]: [CLS], or the mean over unpadded tokens (mask [B, L], 1 = token).</summary>
    internal static Tensor PoolText(Tensor states, Tensor attentionMask, IclTextPooling pooling)
    {
        if (pooling == IclTextPooling.Cls) return states.select(1, 0);
        using var scope = NewDisposeScope();
        var mask = attentionMask.to_type(states.dtype).unsqueeze(-1);                // [B, L, 1]
        var mean = (states * mask).sum(1) / mask.sum(1).clamp_min(1.0);
        return mean.MoveToOuterDisposeScope();
    }

    /// <summary>Starts MTM's output bias at log q of the NCE noise distribution (call once on fresh heads).</summary>
    public void InitializeNceBias(FeatureNoiseDistribution noise) => _mtmHead.InitializeOutputBias(noise.Probabilities);
    public IFlipIdEncoder IdModel { get; }
    public FlipObjectives Objectives { get; }
    public FlipHeadOptions Heads { get; }
    /// <summary>The PLM runner (fp32 or bf16 compute copy); the trainer syncs weights and gradients through it.</summary>
    public MixedPrecisionPlm Text => _text;

    /// <summary>Where forward reports the time of its PLM and heads phases (null: not measured).</summary>
    public FlipStepTimer? Timer { get; set; }

    public override FlipLosses forward(FlipBatch batch)
    {
        var timer = Timer;
        if (batch.MaskedTokenIds is null || batch.MlmLabels is null || batch.MaskedFeatureIds is null || batch.TabularMask is null
            || batch.NceCandidates is null || batch.NceLogNoise is null)
            throw new ArgumentException("pretraining needs a masked batch (FlipBatch.CreateMasked)", nameof(batch));
        if (!Objectives.Any) throw new InvalidOperationException("no pretraining objective is enabled");

        using var scope = NewDisposeScope();
        var o = Objectives;
        var joint = o.JointReconstruction;
        var needText = o.Icl || (o.Mtm && joint);
        var needRow = o.Icl || (o.Mlm && joint);

        Tensor? text = null, maskedText = null;
        using (timer?.Measure(FlipStepPhase.PlmForward))
        {
            if (needText) text = _text.Encode(batch.TokenIds, batch.AttentionMask);
            if (o.Mlm) maskedText = _text.Encode(batch.MaskedTokenIds, batch.AttentionMask);
        }

        using var heads = timer?.Measure(FlipStepPhase.HeadsForward);
        var row = needRow ? IdModel.Encode(batch.FeatureIds).Representation : null;
        var total = zeros(1, device: batch.TokenIds.device).squeeze();
        Tensor? mlm = null, mtm = null, icl = null;

        if (o.Mlm)
        {
            var loss = MlmLoss(maskedText!, joint ? row : null, batch);
            if (loss is not null)
            {
                total = total + loss;
                mlm = loss.detach().MoveToOuterDisposeScope();
            }
        }
        if (o.Mtm)
        {
            var maskedRow = IdModel.Encode(batch.MaskedFeatureIds).Representation;
            var loss = MtmLoss(maskedRow, joint ? text : null, batch);
            if (loss is not null)
            {
                total = total + loss;
                mtm = loss.detach().MoveToOuterDisposeScope();
            }
        }
        if (o.Icl)
        {
            var loss = _iclHead.call(PoolText(text!, batch.AttentionMask, Heads.IclPooling), row!);
            total = total + loss;
            icl = loss.detach().MoveToOuterDisposeScope();
        }
        return new FlipLosses(total.MoveToOuterDisposeScope(), mlm, mtm, icl);
    }

    /// <summary>
    /// Cross-entropy of the masked tokens' words: over the whole vocabulary, or over the batch's sampled candidates
    /// (<see cref="FlipBatch.MlmCandidates"/>). Target positions come from the host (<see cref="FlipBatch.MlmPositions"/>)
    /// when the batch has them, so no device-to-host sync is needed.
    /// </summary>
    Tensor? MlmLoss(Tensor maskedText, Tensor? row, FlipBatch batch)
    {
        var (b, l, dt) = (maskedText.shape[0], maskedText.shape[1], maskedText.shape[2]);
        // An explicit Scalar kept alive by `using` (an implicit one may be finalized during the native call, see BertModel).
        using var ignore = FlipMasker.IgnoreLabel.ToScalar();
        var positions = batch.MlmPositions ?? batch.MlmLabels!.ne(ignore).view(-1).nonzero().squeeze(1); // flat indices b*L + t
        if (positions.shape[0] == 0) return null;
        var states = maskedText.reshape(b * l, dt).index_select(0, positions);
        var rows = row?.index_select(0, positions.div(l, rounding_mode: RoundingMode.floor));
        if (batch.MlmCandidates is { } candidates)
            return F.cross_entropy(_mlmHead.Sampled(states, rows, candidates.Words) - candidates.LogQ, candidates.TargetIndex);
        var logits = _mlmHead.call(states, rows);
        return F.cross_entropy(logits, batch.MlmLabels!.view(-1).index_select(0, positions));
    }

    Tensor? MtmLoss(Tensor maskedRow, Tensor? text, FlipBatch batch)
    {
        var mask = batch.TabularMask!.to(ScalarType.Float32);
        var count = mask.sum();
        // The host counted the targets while masking; only a hand-made batch needs the (syncing) device read.
        if ((batch.MaskedFieldCount ?? (int)count.item<float>()) == 0) return null;
        var fields = _mtmHead.call(maskedRow, text, text is null ? null : batch.AttentionMask);
        // NCE: noise-corrected logits s(id) - log(K q(id)); the true id is the positive, the K noise ids negatives.
        var logits = _mtmHead.Score(fields, batch.NceCandidates!) - batch.NceLogNoise!;
        var targets = zeros_like(logits);
        targets.select(2, 0).fill_(1.0);
        var perField = F.binary_cross_entropy_with_logits(logits, targets, reduction: nn.Reduction.None).sum(2);
        return (perField * mask).sum() / count;
    }
}
