using System.Runtime.InteropServices;
using TorchSharp;

namespace Flip.Trainer;

/// <summary>
/// Process-wide libtorch settings. Call <see cref="Configure"/> before the first torch call of the process:
/// libtorch's OpenMP workers busy-wait by default, and on a machine shared with other busy processes two spinning
/// threads were measured 15x slower than one (489 vs 7,118 DCNv2 training samples/s on 2 loaded cores); with a
/// passive wait policy two threads are the fastest (9,228 samples/s). OpenMP reads the policy from the native
/// environment when libtorch loads, so it is set through libc (the managed environment is not visible to it).
/// </summary>
public static class TorchRuntime
{
    private const string WaitPolicy = "OMP_WAIT_POLICY";

    /// <summary>
    /// The one torch process setup of every entry point (CLI commands, services): sets a passive OpenMP wait policy
    /// (unless the environment already chose one) and the torch thread count, and, when <paramref name="device"/> is given,
    /// resolves it (<see cref="TrainingDevice.Resolve"/>) so that a bad or missing device fails before any data is read.
    /// </summary>
    /// <returns>The resolved device (CPU when <paramref name="device"/> is null).</returns>
    public static torch.Device Configure(int threads, string? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (Environment.GetEnvironmentVariable(WaitPolicy) is null && OperatingSystem.IsLinux())
        {
            _ = SetEnv(WaitPolicy, "PASSIVE", 0);
            Environment.SetEnvironmentVariable(WaitPolicy, "PASSIVE");
        }
        SetThreads(threads);
        return ResolveDevice(device);
    }

    // Kept out of Configure so that libtorch cannot load (torch's static initialiser) before the variable is set.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void SetThreads(int threads)
    {
        if (torch.get_num_threads() != threads) torch.set_num_threads(threads);
    }

    // Also out of Configure, for the same reason: touching torch's statics may run its initialiser when Configure is compiled.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static torch.Device ResolveDevice(string? device) => device is null ? torch.CPU : TrainingDevice.Resolve(device);

    [DllImport("libc", EntryPoint = "setenv", CharSet = CharSet.Ansi)]
    private static extern int SetEnv(string name, string value, int overwrite);
}
