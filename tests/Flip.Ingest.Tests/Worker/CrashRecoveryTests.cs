using System.Diagnostics;
using System.Text;
using Flip.FeatureStore.Store;
using Flip.Ingest.Dev.Replay;
using Xunit.Abstractions;

namespace Flip.Ingest.Tests.Worker;

/// <summary>
/// The ingest worker as a real separate process (flip-ingest), killed with SIGKILL twice mid-stream and restarted;
/// the broker lives in the test process so it survives. Afterwards every event is in the store exactly once.
/// </summary>
public class CrashRecoveryTests(ITestOutputHelper output)
{
    private const int EventCount = 40_000;

    [Fact]
    public async Task Killing_the_worker_twice_mid_stream_loses_and_duplicates_nothing()
    {
        using var kafka = new TestKafka(partitions: 4);
        // 48 event-time hours: a 1,500-message batch spans several hour files, so kills also land inside a batch's writes.
        var events = SyntheticClicks.Generate(EventCount, hours: 48, prefix: "crash");
        var logs = new StringBuilder();
        // Paced replay keeps the stream flowing while the worker is killed and restarted.
        var replay = Task.Run(() => new EventReplayer(kafka.Kafka, SyntheticClicks.Schema).Replay(() => events, new ReplayOptions { EventsPerSecond = 4_000 }));

        var worker = StartWorker(kafka, logs);
        long atFirstKill = await WaitForStoredAsync(kafka, n => n >= 4_000, TimeSpan.FromSeconds(60));
        Kill(worker, "first");

        worker = StartWorker(kafka, logs);
        long atSecondKill = await WaitForStoredAsync(kafka, n => n >= atFirstKill + 6_000, TimeSpan.FromSeconds(90));
        Kill(worker, "second");

        worker = StartWorker(kafka, logs);
        var replayed = await replay;
        Assert.Equal(EventCount, replayed.Produced);
        await WaitForStoredAsync(kafka, n => n == EventCount, TimeSpan.FromSeconds(120), stableFor: TimeSpan.FromSeconds(1.5));
        Terminate(worker);

        output.WriteLine($"stored at first kill {atFirstKill:N0}, at second kill {atSecondKill:N0}");
        output.WriteLine(string.Join('\n', logs.ToString().Split('\n').Where(l => l.Contains("Removed", StringComparison.Ordinal) || l.Contains("Assigned", StringComparison.Ordinal))));
        TestKafka.AssertExactlyOnce(events, kafka.OpenStore().ReadAll().ToList());
    }

    private Process StartWorker(TestKafka kafka, StringBuilder logs)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "flip-ingest.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing (the test project references Flip.Ingest.Host).");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var (key, value) in new Dictionary<string, string>
                 {
                     ["Kafka:BootstrapServers"] = kafka.Broker.BootstrapServers,
                     ["Store:Root"] = kafka.StoreRoot,
                     ["Store:Fsync"] = "false",
                     ["Ingest:ConsumerGroup"] = "crash-test",
                     ["Ingest:FlushMessages"] = "1500",
                     ["Ingest:FlushInterval"] = "00:00:00.300",
                     ["Ingest:SessionTimeoutMs"] = "6000",
                     ["Ingest:HeartbeatIntervalMs"] = "500",
                     ["Ingest:MetricsPort"] = "0",
                 })
        {
            start.ArgumentList.Add($"--{key}={value}");
        }
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (logs) logs.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (logs) logs.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Kill(Process worker, string which)
    {
        worker.Kill(); // SIGKILL on Linux: no flush, no commit, no goodbye to the group.
        Assert.True(worker.WaitForExit(10_000));
        output.WriteLine($"{which} kill: pid {worker.Id}");
        worker.Dispose();
    }

    private static void Terminate(Process worker)
    {
        // SIGTERM: the host stops the worker gracefully (flush, commit, leave the group).
        using (var kill = Process.Start("kill", ["-TERM", worker.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) kill.WaitForExit();
        if (!worker.WaitForExit(30_000)) worker.Kill();
        worker.Dispose();
    }

    /// <summary>Polls the store's row count (footers only) until the condition holds (for <paramref name="stableFor"/>).</summary>
    private static async Task<long> WaitForStoredAsync(TestKafka kafka, Func<long, bool> condition, TimeSpan timeout, TimeSpan? stableFor = null)
    {
        var clock = Stopwatch.StartNew();
        var heldSince = TimeSpan.Zero;
        long count = 0;
        bool held = false;
        while (clock.Elapsed < timeout)
        {
            count = TryCount(kafka);
            if (condition(count))
            {
                if (!held) { held = true; heldSince = clock.Elapsed; }
                if (clock.Elapsed - heldSince >= (stableFor ?? TimeSpan.Zero)) return count;
            }
            else held = false;
            await Task.Delay(100);
        }
        throw new TimeoutException($"The store holds {count:N0} events after {timeout}; the condition never held.");
    }

    private static long TryCount(TestKafka kafka)
    {
        try
        {
            return Directory.Exists(kafka.StoreRoot) ? new ParquetEventStore(kafka.StoreRoot, SyntheticClicks.Schema, kafka.Store()).Count() : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or StoreFormatException)
        {
            return -1; // A file renamed or swept while we listed: look again.
        }
    }
}
