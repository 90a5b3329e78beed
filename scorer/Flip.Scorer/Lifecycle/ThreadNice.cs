using System.Runtime.InteropServices;

namespace Flip.Scorer.Lifecycle;

/// <summary>
/// Lowers the calling thread's CPU priority (Linux nice value of the thread): raising one's own nice needs no privilege,
/// and unlike <see cref="Thread.Priority"/> it is honoured on Linux. The model loader runs under it so that a load and
/// warm-up only take CPU the request path leaves idle.
/// </summary>
internal static class ThreadNice
{
    private const int PrioProcess = 0;

    /// <summary>Sets the current thread's nice value; false where unsupported (not Linux) or refused.</summary>
    public static bool TrySet(int nice)
    {
        if (!OperatingSystem.IsLinux() || nice == 0) return false;
        try
        {
            return SetPriority(PrioProcess, (uint)GetTid(), nice) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetTid();

    [DllImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static extern int SetPriority(int which, uint who, int prio);
}
