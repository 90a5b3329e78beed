using System.Diagnostics;

namespace Flip.Cli.Tests;

/// <summary>What one run of the real <c>flip</c> executable returned.</summary>
internal sealed record FlipRun(int ExitCode, string Stdout, string Stderr)
{
    public string[] ErrorLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>Runs flip.dll (copied beside the tests by the project reference) as a child process, as a user would.</summary>
internal static class FlipProcess
{
    public static FlipRun Run(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "flip.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing (the test project references Flip.Cli).");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"flip {string.Join(' ', args)} did not finish in 2 minutes");
        }
        return new FlipRun(process.ExitCode, stdout.Result, stderr.Result);
    }
}
