using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Flip.Trainer.Alignment;

/// <summary>
/// FLIP's instance-level contrastive learning: [CLS] and v projected to a shared space, symmetric InfoNCE over
/// in-batch negatives with temperature τ; the similarity is the plain dot product of the projections (paper 3.3.3).
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
        var t = _textProjection.call(cls);
        var v = _tabularProjection.call(row);
        var logits = t.matmul(v.t()) / _temperature;                               // [B, B], positives on the diagonal
        var targets = arange(logits.shape[0], dtype: ScalarType.Int64, device: logits.device);
        var loss = (F.cross_entropy(logits, targets) + F.cross_entropy(logits.t(), targets)) / 2;
        return loss.MoveToOuterDisposeScope();
    }
}
