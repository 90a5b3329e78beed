using Flip.Trainer.Plm;
using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Flip.Trainer.Alignment;

/// <summary>Finetuning variants (paper 3.4 and Table 3).</summary>
public enum FlipFinetuneMode
{
    /// <summary>Both models: y = σ(a·logit_ID + (1−a)·logit_PLM) with a learnable a.</summary>
    Flip,
    /// <summary>FLIP_ID: the pretrained ID model alone.</summary>
    FlipId,
    /// <summary>FLIP_PLM: the pretrained PLM with a linear head on [CLS] alone.</summary>
    FlipPlm,
}

/// <summary>Logits of one batch: the final one and, where computed, the two branches'.</summary>
public sealed record FlipPrediction(Tensor Logit, Tensor? IdLogit, Tensor? PlmLogit) : IDisposable
{
    public void Dispose()
    {
        Logit.Dispose();
        IdLogit?.Dispose();
        PlmLogit?.Dispose();
    }
}

/// <summary>
/// FLIP finetuning (paper 3.4): the ID model's logit and a PLM logit (linear head on [CLS]) combined as
/// a·ID + (1−a)·PLM with learnable a; loss = BCE(y) + BCE(y_ID) + BCE(y_PLM). Modules: <c>plm.*</c>,
/// <c>id_model.*</c>, <c>plm_head.*</c>, <c>alpha</c>.
/// </summary>
/// <remarks>forward(batch) → the logits of the mode's branches.</remarks>
public sealed class FlipFinetuneModel : nn.Module<FlipBatch, FlipPrediction>
{
    [ComponentName(Name = "plm")]
    readonly BertForMaskedLM _plm;
    [ComponentName(Name = "plm_head")]
    readonly Linear _plmHead;
    [ComponentName(Name = "alpha")]
    readonly Parameter _alpha;
    readonly MixedPrecisionPlm _text;

    /// <param name="initialAlpha">Starting a. Default 0.5 (both branches weighted equally).</param>
    public FlipFinetuneModel(BertForMaskedLM plm, IFlipIdEncoder idModel, FlipFinetuneMode mode, bool bf16 = false, double initialAlpha = 0.5)
        : base(nameof(FlipFinetuneModel))
    {
        _plm = plm;
        IdModel = idModel;
        Mode = mode;
        var device = plm.parameters().First().device;
        _plmHead = nn.Linear(plm.Config.HiddenSize, 1);
        _plmHead.to(device);
        _alpha = new Parameter(tensor((float)initialAlpha, device: device));
        RegisterComponents();
        register_module("id_model", idModel.Module);
        _text = new MixedPrecisionPlm(plm, bf16);
    }

    public FlipFinetuneMode Mode { get; }
    public BertForMaskedLM Plm => _plm;
    public IFlipIdEncoder IdModel { get; }
    public MixedPrecisionPlm Text => _text;

    /// <summary>The current mixing weight a of the ID logit.</summary>
    public double Alpha => _alpha.item<float>();

    public override FlipPrediction forward(FlipBatch batch)
    {
        using var scope = NewDisposeScope();
        Tensor? id = null, plmLogit = null;
        if (Mode != FlipFinetuneMode.FlipPlm) id = IdModel.Encode(batch.FeatureIds).Logit;
        if (Mode != FlipFinetuneMode.FlipId)
        {
            var text = _text.Encode(batch.TokenIds, batch.AttentionMask);
            plmLogit = _plmHead.call(text.select(1, 0)).squeeze(1);
        }
        var logit = Mode switch
        {
            FlipFinetuneMode.FlipId => id!.alias(),
            FlipFinetuneMode.FlipPlm => plmLogit!.alias(),
            _ => _alpha * id! + (1 - _alpha) * plmLogit!,
        };
        return new FlipPrediction(logit.MoveToOuterDisposeScope(), id?.MoveToOuterDisposeScope(), plmLogit?.MoveToOuterDisposeScope());
    }

    /// <summary>BCE(y) + BCE(y_ID) + BCE(y_PLM) in FLIP mode; the single branch's BCE otherwise.</summary>
    public Tensor Loss(FlipPrediction prediction, Tensor labels)
    {
        using var scope = NewDisposeScope();
        var loss = F.binary_cross_entropy_with_logits(prediction.Logit, labels);
        if (Mode == FlipFinetuneMode.Flip)
            loss = loss + F.binary_cross_entropy_with_logits(prediction.IdLogit!, labels)
                        + F.binary_cross_entropy_with_logits(prediction.PlmLogit!, labels);
        return loss.MoveToOuterDisposeScope();
    }
}
