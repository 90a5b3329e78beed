using TorchSharp;
using Flip.Trainer.Plm;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
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
}

/// <summary>
/// FLIP pretraining (paper 3.3): a BERT PLM and an ID model aligned by MLM (text reconstructed with the help of the
/// unmasked row), MTM (row reconstructed with the help of the unmasked text, NCE over sampled candidates) and
/// ICL (contrastive [CLS] ↔ v). Module names: <c>plm.*</c> (Hugging Face BERT names), <c>id_model.*</c>,
/// <c>mlm_head.*</c>, <c>mtm_head.*</c>, <c>icl_head.*</c>.
/// </summary>
public sealed class FlipPretrainingModel : Module
{
#pragma warning disable IDE1006
    internal readonly BertForMaskedLM plm;
    internal readonly MlmReconstructionHead mlm_head;
    internal readonly MtmReconstructionHead mtm_head;
    internal readonly IclProjectionHeads icl_head;
#pragma warning restore IDE1006
    readonly MixedPrecisionPlm _text;

    public FlipPretrainingModel(BertForMaskedLM plm, IFlipIdEncoder idModel, int fieldCount, int featureVocabularySize,
        FlipObjectives objectives, FlipHeadOptions heads, bool bf16 = false) : base(nameof(FlipPretrainingModel))
    {
        this.plm = plm;
        IdModel = idModel;
        Objectives = objectives;
        Heads = heads;
        var dt = plm.Config.HiddenSize;
        var dv = idModel.RepresentationSize;
        var joint = objectives.JointReconstruction;
        mlm_head = new MlmReconstructionHead(dt, joint ? dv : 0, plm.Config.VocabSize, heads.Dropout);
        mtm_head = new MtmReconstructionHead(dv, joint ? dt : 0, fieldCount, featureVocabularySize, heads.MtmEmbeddingSize);
        icl_head = new IclProjectionHeads(dt, dv, heads.ProjectionSize);
        RegisterComponents();
        register_module("id_model", idModel.Module);
        var device = plm.parameters().First().device;
        mlm_head.to(device);
        mtm_head.to(device);
        icl_head.to(device);
        _text = new MixedPrecisionPlm(plm, bf16);
    }

    public BertForMaskedLM Plm => plm;
    public IFlipIdEncoder IdModel { get; }
    public FlipObjectives Objectives { get; }
    public FlipHeadOptions Heads { get; }
    /// <summary>The PLM runner (fp32 or bf16 compute copy); the trainer syncs weights and gradients through it.</summary>
    public MixedPrecisionPlm Text => _text;

    /// <summary>Forward pass computing the enabled losses; the batch must come from <see cref="FlipBatch.CreateMasked"/>.</summary>
    public FlipLosses ComputeLosses(FlipBatch batch, FlipStepTimer? timer = null)
    {
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
        double? mlm = null, mtm = null, icl = null;

        if (o.Mlm)
        {
            var loss = MlmLoss(maskedText!, joint ? row : null, batch.MlmLabels);
            if (loss is not null)
            {
                total = total + loss;
                mlm = loss.item<float>();
            }
        }
        if (o.Mtm)
        {
            var maskedRow = IdModel.Encode(batch.MaskedFeatureIds).Representation;
            var loss = MtmLoss(maskedRow, joint ? text : null, batch);
            if (loss is not null)
            {
                total = total + loss;
                mtm = loss.item<float>();
            }
        }
        if (o.Icl)
        {
            var loss = icl_head.Loss(text!.select(1, 0), row!, Heads.Temperature);
            total = total + loss;
            icl = loss.item<float>();
        }
        return new FlipLosses(total.MoveToOuterDisposeScope(), mlm, mtm, icl);
    }

    Tensor? MlmLoss(Tensor maskedText, Tensor? row, Tensor labels)
    {
        var (b, l, dt) = (maskedText.shape[0], maskedText.shape[1], maskedText.shape[2]);
        var positions = labels.ne(FlipMasker.IgnoreLabel).view(-1).nonzero().squeeze(1); // flat indices b*L + t
        if (positions.shape[0] == 0) return null;
        var states = maskedText.reshape(b * l, dt).index_select(0, positions);
        var rows = row?.index_select(0, positions.div(l, rounding_mode: RoundingMode.floor));
        var logits = mlm_head.Forward(states, rows);
        return F.cross_entropy(logits, labels.view(-1).index_select(0, positions));
    }

    Tensor? MtmLoss(Tensor maskedRow, Tensor? text, FlipBatch batch)
    {
        var mask = batch.TabularMask!.to(ScalarType.Float32);
        var count = mask.sum();
        if (count.item<float>() == 0) return null;
        var attended = text is null ? null : mtm_head.AttendToText(maskedRow, text, batch.AttentionMask);
        var fields = mtm_head.FieldRepresentations(maskedRow, attended);
        // NCE: noise-corrected logits s(id) - log(K q(id)); the true id is the positive, the K noise ids negatives.
        var logits = mtm_head.Score(fields, batch.NceCandidates!) - batch.NceLogNoise!;
        var targets = zeros_like(logits);
        targets.select(2, 0).fill_(1.0);
        var perField = F.binary_cross_entropy_with_logits(logits, targets, reduction: Reduction.None).sum(2);
        return (perField * mask).sum() / count;
    }
}
