using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Flip.Trainer.Alignment;

/// <summary>
/// FLIP's instance-level contrastive learning: [CLS] and v projected to a shared space, symmetric InfoNCE over
/// in-batch negatives with temperature τ. The projections are L2-normalised (the paper's "normalized representations";
/// the authors' head ends in a LayerNorm), so the similarity is a cosine in [-1, 1] and τ sets the logits' scale: with
/// raw dot products the projection weights would absorb any τ.
/// forward([CLS] states [B, Dt], rows' v [B, Dv]) → the loss (scalar).
/// </summary>
public sealed class IclProjectionHeads : nn.Module<Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "text_projection")]
    readonly Linear _textProjection;
    [ComponentName(Name = "tabular_projection")]
    readonly Linear _tabularProjection;
    readonly double _temperature;

    public IclProjectionHeads(int textSize, int rowSize, int projectionSize, double temperature) : base(nameof(IclProjectionHeads))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(temperature);
        _textProjection = nn.Linear(textSize, projectionSize);
        _tabularProjection = nn.Linear(rowSize, projectionSize);
        _temperature = temperature;
        RegisterComponents();
    }

    public override Tensor forward(Tensor cls, Tensor row)
    {
        using var scope = NewDisposeScope();
        var t = F.normalize(_textProjection.call(cls), p: 2, dim: 1);
        var v = F.normalize(_tabularProjection.call(row), p: 2, dim: 1);
        var logits = t.matmul(v.t()) / _temperature;                               // [B, B], positives on the diagonal
        var targets = arange(logits.shape[0], dtype: ScalarType.Int64, device: logits.device);
        var loss = (F.cross_entropy(logits, targets) + F.cross_entropy(logits.t(), targets)) / 2;
        return loss.MoveToOuterDisposeScope();
    }
}
