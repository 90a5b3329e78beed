using static TorchSharp.torch;

namespace Flip.Trainer.Alignment;

/// <summary>The pretraining losses of one batch: <see cref="Total"/> for backward, the parts as numbers (null when not computed).</summary>
public sealed record FlipLosses(Tensor Total, double? Mlm, double? Mtm, double? Icl) : IDisposable
{
    public void Dispose() => Total.Dispose();
}
