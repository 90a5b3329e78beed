using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace Flip.Trainer.Alignment;

/// <summary>
/// FLIP's instance-level contrastive learning: [CLS] and v projected to a shared space, symmetric InfoNCE over
/// in-batch negatives with temperature τ; the similarity is the plain dot product of the projections (paper 3.3.3).
/// </summary>
public sealed class IclProjectionHeads : Module
{
#pragma warning disable IDE1006
    internal readonly Linear text_projection;
    internal readonly Linear tabular_projection;
#pragma warning restore IDE1006

    public IclProjectionHeads(int textSize, int rowSize, int projectionSize) : base(nameof(IclProjectionHeads))
    {
        text_projection = Linear(textSize, projectionSize);
        tabular_projection = Linear(rowSize, projectionSize);
        RegisterComponents();
    }

    public Tensor Loss(Tensor cls, Tensor row, double temperature)
    {
        using var scope = NewDisposeScope();
        var t = text_projection.forward(cls);
        var v = tabular_projection.forward(row);
        var logits = t.matmul(v.t()) / temperature;                                // [B, B], positives on the diagonal
        var targets = arange(logits.shape[0], dtype: ScalarType.Int64, device: logits.device);
        var loss = (F.cross_entropy(logits, targets) + F.cross_entropy(logits.t(), targets)) / 2;
        return loss.MoveToOuterDisposeScope();
    }
}
