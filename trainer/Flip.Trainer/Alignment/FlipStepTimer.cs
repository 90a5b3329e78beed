using TorchSharp;
using System.Diagnostics;
using static TorchSharp.torch;

namespace Flip.Trainer.Alignment;

public enum FlipStepPhase { Batching, PlmForward, HeadsForward, Backward, Optimizer }

/// <summary>
/// Wall time per training phase. On CUDA each measurement synchronises the device first and last so kernels are
/// charged to the phase that launched them; on CPU the ops are synchronous already.
/// </summary>
public sealed class FlipStepTimer(Device device)
{
    readonly Dictionary<FlipStepPhase, TimeSpan> _totals = Enum.GetValues<FlipStepPhase>().ToDictionary(p => p, _ => TimeSpan.Zero);

    public IReadOnlyDictionary<FlipStepPhase, TimeSpan> Totals => _totals;

    public IDisposable Measure(FlipStepPhase phase)
    {
        Synchronize();
        return new Measurement(this, phase, Stopwatch.StartNew());
    }

    void Synchronize()
    {
        if (device.type == DeviceType.CUDA) cuda.synchronize(device);
    }

    sealed class Measurement(FlipStepTimer timer, FlipStepPhase phase, Stopwatch watch) : IDisposable
    {
        public void Dispose()
        {
            timer.Synchronize();
            timer._totals[phase] += watch.Elapsed;
        }
    }
}
