using static TorchSharp.torch;

namespace Flip.Trainer.Alignment;

/// <summary>
/// The pretraining losses of one batch: <see cref="Total"/> for backward, and the parts as detached scalar tensors
/// on the batch's device (null when the objective is off or the batch had no target for it). The trainer sums the parts
/// on the device and reads them once per log interval: reading <see cref="Mlm"/>, <see cref="Mtm"/> or
/// <see cref="Icl"/> copies a number to the host, which on CUDA waits for every queued kernel.
/// </summary>
public sealed class FlipLosses(Tensor total, Tensor? mlmPart, Tensor? mtmPart, Tensor? iclPart) : IDisposable
{
    public Tensor Total { get; } = total;
    public Tensor? MlmPart { get; } = mlmPart;
    public Tensor? MtmPart { get; } = mtmPart;
    public Tensor? IclPart { get; } = iclPart;

    public double? Mlm => MlmPart?.item<float>();
    public double? Mtm => MtmPart?.item<float>();
    public double? Icl => IclPart?.item<float>();

    public void Dispose()
    {
        Total.Dispose();
        MlmPart?.Dispose();
        MtmPart?.Dispose();
        IclPart?.Dispose();
    }
}
