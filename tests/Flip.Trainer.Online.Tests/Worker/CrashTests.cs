using System.Diagnostics;
using System.Text;
using Flip.Registry;
using Flip.Trainer.Checkpoints;
using Flip.FeatureStore.Store;
using Xunit.Abstractions;

namespace Flip.Trainer.Online.Tests.Worker;

/// <summary>
/// The trainer as a real separate process (flip-trainer), killed with SIGKILL twice mid-stream and restarted: the
/// evaluation log must hold every window exactly once, in order, and the last published version must verify and load.
/// </summary>
public sealed class CrashTests(ITestOutputHelper output)
{
    private const int Hours = 60;

    [Fact]
    public async Task Killing_the_worker_twice_mid_stream_trains_every_window_exactly_once_in_order()
    {
        var root = TestStores.TempDirectory("crash");
        var storeRoot = Path.Combine(root, "store");
        var registryRoot = Path.Combine(root, "registry");
        var store = TestStores.Open(storeRoot); // writes schema.json: the child process reads the schema from the store
        store.Append(TestStores.Events(Hours * 120, TimeSpan.FromSeconds(30)), "p0-0-7199");
        var logs = new StringBuilder();
        var registry = new ModelRegistry(registryRoot);

        var run = new StringBuilder();
        var worker = Start(storeRoot, registryRoot, run, logs);
        int atFirstKill = await WaitForWindowsAsync(registry, worker, run, n => n >= 12);
        Kill(worker, "first", atFirstKill);

        worker = Start(storeRoot, registryRoot, run = new StringBuilder(), logs);
        int resumedFrom = await WaitForWindowsAsync(registry, worker, run, n => true); // the log as cut back on resume (or later)
        int atSecondKill = await WaitForWindowsAsync(registry, worker, run, n => n >= Math.Max(resumedFrom, atFirstKill) + 12);
        Kill(worker, "second", atSecondKill);

        worker = Start(storeRoot, registryRoot, new StringBuilder(), logs);
        Assert.True(worker.WaitForExit(240_000), "the third run drains the store and stops");
        Assert.True(worker.ExitCode == 0, $"exit code {worker.ExitCode}\n{logs}");
        Assert.True(atSecondKill < Hours, "the second kill came mid-stream");

        var log = registry.Evaluation.ReadAll();
        Assert.Equal(Enumerable.Range(0, Hours).Select(i => (long)i), log.Select(e => e.Window)); // no gap, no repeat, in order
        Assert.Equal(log.Select(e => e.From).Order(), log.Select(e => e.From));
        Assert.Equal(Hours * 120, log.Sum(e => e.Count));

        var latest = registry.Open(registry.LatestVersion!); // verifies every sha256
        Assert.Equal(Hours, latest.Manifest.WindowCursor);
        Assert.True(File.Exists(latest.PathOf(StoreLayout.SchemaFileName)));
        var loaded = IdCheckpoint.Load(latest.Directory, TestStores.Schema);
        using var model = loaded.Model;
        var samples = Flip.Trainer.Training.EncodedDataset.Encode(TestStores.Events(500, TimeSpan.FromMinutes(1), seed: 9), loaded.Vocabulary);
        var result = Flip.Trainer.Training.IdModelEvaluator.Evaluate(model, samples);
        Assert.True(result.Auc > 0.75, $"the final model is usable: AUC {result.Auc:F3}");
        output.WriteLine($"windows at first kill {atFirstKill}, at second kill {atSecondKill}; final AUC {result.Auc:F3}; versions {string.Join(",", registry.ListVersions())}");
    }

    /// <summary>Starts flip-trainer; its output goes to <paramref name="run"/> (this run) and <paramref name="logs"/> (all runs).</summary>
    private static Process Start(string store, string registry, StringBuilder run, StringBuilder logs)
    {
        // Flip.Trainer.Host's own build output (same configuration and framework as this test): the test folder's copy would
        // miss assemblies that the scorer's ASP.NET Core framework reference leaves out of it (Microsoft.Extensions.ObjectPool).
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var dll = Path.Combine(RepoPaths.Root, "trainer", "Flip.Trainer.Host", "bin", output.Parent!.Name, output.Name, "flip-trainer.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing (the test project references Flip.Trainer.Host, which builds it).");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var (key, value) in new Dictionary<string, string>
                 {
                     ["Store:Root"] = store,
                     ["Store:Fsync"] = "false",
                     ["Registry:Root"] = registry,
                     ["Registry:Keep"] = "3",
                     ["Trainer:Window"] = "01:00:00",
                     ["Trainer:AllowedLateness"] = "00:00:00",
                     ["Trainer:Passes"] = "4",
                     ["Trainer:BatchSize"] = "32",
                     ["Trainer:InitialRows"] = "64",
                     ["Trainer:Threads"] = "1",
                     ["Trainer:IdModel:EmbeddingSize"] = "8",
                     ["Trainer:IdModel:HiddenUnits:0"] = "32",
                     ["Trainer:IdModel:HiddenUnits:1"] = "16",
                     ["Trainer:IdModel:HiddenUnits:2"] = "16",
                     ["Trainer:PublishEveryWindows"] = "5",
                     ["Trainer:PublishInterval"] = "00:00:00",
                     ["Trainer:Drain"] = "true",
                     ["Trainer:Announce"] = "false",
                     ["Trainer:MetricsPort"] = "0",
                 })
        {
            start.ArgumentList.Add($"--{key}={value}");
        }
        var process = Process.Start(start)!;
        void Record(string? line)
        {
            if (line is null) return;
            lock (run) run.AppendLine(line);
            lock (logs) logs.AppendLine(line);
        }
        process.OutputDataReceived += (_, e) => Record(e.Data);
        process.ErrorDataReceived += (_, e) => Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Kill(Process worker, string which, int windows)
    {
        worker.Kill(); // SIGKILL on Linux: no publish, no snapshot, no goodbye.
        Assert.True(worker.WaitForExit(10_000));
        output.WriteLine($"{which} kill after {windows} logged windows: pid {worker.Id}");
        worker.Dispose();
    }

    private static async Task<int> WaitForWindowsAsync(ModelRegistry registry, Process worker, StringBuilder logs, Func<int, bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(180))
        {
            Assert.False(worker.HasExited && worker.ExitCode != 0, $"the worker failed:\n{logs}");
            if (worker.HasExited) throw new InvalidOperationException($"The worker finished before it could be killed mid-stream:\n{logs}");
            int count = registry.Evaluation.ReadAll().Count;
            // A fresh start truncates the log first: wait until the process logged that it started or resumed.
            bool started;
            lock (logs) started = logs.ToString().Contains("Starting a fresh", StringComparison.Ordinal) || logs.ToString().Contains("Resumed", StringComparison.Ordinal);
            if (started && condition(count)) return count;
            await Task.Delay(50);
        }
        throw new TimeoutException($"The evaluation log never reached the wanted length:\n{logs}");
    }
}
