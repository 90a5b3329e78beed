using TorchSharp;
using System.Diagnostics;
using static TorchSharp.torch;

namespace Flip.Trainer.Alignment;

public enum FlipStepPhase { Batching, PlmForward, HeadsForward, Backward, Optimizer }

/// <summary>
/// Wall time per training phase. On CUDA each measurement synchronises the device first and last so kernels are
/// charged to the phase that launched them; on CPU the ops are synchronous already. Those synchronisations cost GPU
/// throughput, so a timer can be switched off (<see cref="Enabled"/>): it then measures nothing and never synchronises.
/// </summary>
public sealed class FlipStepTimer(Device device)
{
    readonly Dictionary<FlipStepPhase, TimeSpan> _totals = Enum.GetValues<FlipStepPhase>().ToDictionary(p => p, _ => TimeSpan.Zero);

    public IReadOnlyDictionary<FlipStepPhase, TimeSpan> Totals => _totals;

    /// <summary>Whether <see cref="Measure"/> measures (default true).</summary>
    public bool Enabled { get; set; } = true;

    public IDisposable? Measure(FlipStepPhase phase)
    {
        if (!Enabled) return null;
        Synchronize();
        return new Measurement(this, phase, Stopwatch.StartNew());
    }

    /// <summary>Sets every phase's total back to zero (after warm-up steps).</summary>
    public void Reset()
    {
        foreach (var phase in _totals.Keys.ToArray()) _totals[phase] = TimeSpan.Zero;
    }

    /// <summary>Waits for the device's queued work (CUDA); a no-op on CPU.</summary>
    public void Synchronize()
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
