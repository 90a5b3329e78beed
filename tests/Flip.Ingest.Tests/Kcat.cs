using System.Diagnostics;

namespace Flip.Ingest.Tests;

/// <summary>
/// kcat, the independent Kafka client of the wire-compatibility test. The test brings it itself so that README's plain
/// <c>dotnet test Flip.Streaming.sln</c> passes on a fresh Debian machine: when kcat is missing and the tests run as root
/// with apt-get available, it is installed once (<c>apt-get update</c>, <c>apt-get install -y kcat</c>). Without root it
/// fails with the command to run.
/// </summary>
internal static class Kcat
{
    private static readonly string[] Candidates = ["/usr/bin/kcat", "/usr/local/bin/kcat", "/usr/bin/kafkacat"];
    private static readonly Lazy<string> Path = new(Locate, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The kcat executable, installed first when needed and possible.</summary>
    public static string Require() => Path.Value;

    private static string Locate()
    {
        if (Find() is { } kcat) return kcat;
        if (!Environment.IsPrivilegedProcess || !File.Exists("/usr/bin/apt-get"))
            throw new InvalidOperationException("kcat is not installed and the tests cannot install it (not root, or no apt-get): run `apt-get install -y kcat`.");
        Run("update", "-qq");
        Run("install", "-y", "-qq", "--no-install-recommends", "kcat");
        return Find() ?? throw new InvalidOperationException("apt-get installed kcat, but no kcat executable was found.");
    }

    private static string? Find() => Candidates.FirstOrDefault(File.Exists);

    private static void Run(params string[] args)
    {
        var start = new ProcessStartInfo("/usr/bin/apt-get") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"apt-get {string.Join(' ', args)} did not finish in 5 minutes.");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"apt-get {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Result}{stdout.Result}");
    }
}
