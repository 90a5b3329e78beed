using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Flip.FeatureStore.Errors;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Readers;
using Flip.FeatureStore.Store;
using Flip.Ingest.Dev.Kafka;
using Flip.Hosting;
using Flip.Ingest.Kafka;
using Flip.Ingest.Pipeline;
using Flip.Ingest.Dev.Replay;
using Flip.Ingest.Worker;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Flip.Cli;

/// <summary>
/// `flip bench ingest`: embedded broker, replay of N events (the dataset repeated under new ids), then the ingest
/// worker drains the topic into a fresh Parquet store. Prints replay and ingest throughput separately.
/// </summary>
internal static class IngestBenchCommand
{
    public static Command Create()
    {
        var dataset = CliOptions.Dataset();
        dataset.Required = false;
        dataset.DefaultValueFactory = _ => "movielens-1m";
        var path = CliOptions.DatasetPath();
        path.Required = false;
        path.DefaultValueFactory = _ => new DirectoryInfo(DemoCommand.DefaultDatasetPath());
        var events = new Option<long>("--events") { Description = "Events to replay and ingest", DefaultValueFactory = _ => 1_000_000 };
        var partitions = new Option<int>("--partitions") { Description = "Partitions of flip.clicks", DefaultValueFactory = _ => 8 };
        var flush = new Option<int>("--flush-messages") { Description = "Ingest:FlushMessages for the run", DefaultValueFactory = _ => new IngestOptions().FlushMessages };
        var noFsync = new Option<bool>("--no-fsync") { Description = "Skip fsync of store files (measures encoding without disk sync)" };
        var liveTimes = new Option<bool>("--live-times")
        {
            Description = "Re-stamp event times into one hour, in order, as a live stream would be (the dataset's years of event time otherwise put every batch into thousands of hour files)",
        };
        var verbose = new Option<bool>("--verbose") { Description = "Log the worker's activity to stderr" };
        var cmd = new Command("ingest", "Measure Kafka -> Parquet ingest throughput (and replay throughput) on the embedded broker");
        foreach (var o in new Option[] { dataset, path, events, partitions, flush, noFsync, liveTimes, verbose }) cmd.Options.Add(o);
        cmd.SetAction((parse, ct) => Run(parse.GetValue(dataset)!, parse.GetValue(path)!, parse.GetValue(events), parse.GetValue(partitions),
            parse.GetValue(flush), !parse.GetValue(noFsync), parse.GetValue(liveTimes), parse.GetValue(verbose), ct));
        return cmd;
    }

    private static async Task<int> Run(string dataset, DirectoryInfo path, long total, int partitions, int flushMessages, bool fsync, bool liveTimes, bool verbose, CancellationToken ct)
    {
        var c = CultureInfo.InvariantCulture;
        var reader = DatasetCatalog.Open(dataset, path.FullName);
        var source = AnsiConsole.Status().Start($"Reading {Markup.Escape(dataset)}...", _ => reader.ReadEvents().ToList());
        int repeat = (int)Math.Ceiling(total / (double)source.Count);
        var storeRoot = Path.Combine(Path.GetTempPath(), $"flip-bench-ingest-{Guid.NewGuid():N}");
        try
        {
            using var broker = new EmbeddedKafkaBroker();
            var kafka = new KafkaOptions { BootstrapServers = broker.BootstrapServers };
            broker.CreateIngestTopics(kafka, partitions);

            var replay = new EventReplayer(kafka, reader.Schema);
            ReplayResult replayed = null!;
            AnsiConsole.Progress().Start(ctx =>
            {
                var task = ctx.AddTask($"replay {total:N0} events", maxValue: total);
                replayed = replay.Replay(() => Cycle(source, total, liveTimes), new ReplayOptions(), n => task.Value = n, ct);
                task.Value = total;
            });

            var dropped = TopicWatermarks.DroppedMessages(kafka, kafka.ClicksTopic);
            if (dropped > 0)
                throw new UserInputException($"the embedded broker dropped {dropped:N0} of the oldest events (each partition keeps {EmbeddedKafkaBroker.RetainedBytesPerPartition / 1048576} MiB); use more --partitions.");

            // Draining a backlog: flush a partition as soon as it is caught up, so its tail is not left waiting for the interval.
            var ingest = new IngestOptions
            {
                Dataset = dataset, FlushMessages = flushMessages, FlushInterval = TimeSpan.FromSeconds(2), FlushOnCaughtUp = true,
                MetricsPort = 0, ConsumerGroup = "flip-bench",
            };
            var store = new ParquetStoreOptions { Root = storeRoot, Fsync = fsync };
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            using var logs = verbose ? LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddSimpleConsole(o => o.SingleLine = true)) : null;
            await using (var run = await IngestRun.StartAsync(kafka, ingest, store, logs))
            {
                await AnsiConsole.Progress().StartAsync(async ctx =>
                {
                    var task = ctx.AddTask("ingest -> Parquet", maxValue: total);
                    await run.WaitForAsync(total, TimeSpan.FromMinutes(30), s => task.Value = s.Stored + s.DeadLettered, ct);
                });
                clock.Stop();
                var sinceFirst = Stopwatch.GetElapsedTime(run.Statistics.FirstConsumedTimestamp);
                var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;
                var stats = run.Statistics;
                var table = new Table().Title("[bold]Ingest: Kafka -> Parquet[/]").AddColumn("measure").AddColumn(new TableColumn("value").RightAligned());
                table.AddRow("events", total.ToString("N0", c));
                table.AddRow("partitions", partitions.ToString(c));
                table.AddRow("replay (produce, acks=all, idempotent)", $"{replayed.EventsPerSecond.ToString("N0", c)} events/s ({replayed.Elapsed.TotalSeconds.ToString("0.00", c)} s)");
                table.AddRow("ingest (consume, validate, Parquet, commit)", $"{(stats.Stored / sinceFirst.TotalSeconds).ToString("N0", c)} events/s ({sinceFirst.TotalSeconds.ToString("0.00", c)} s from first message to last commit)");
                table.AddRow("ingest incl. group join", $"{(stats.Stored / clock.Elapsed.TotalSeconds).ToString("N0", c)} events/s ({clock.Elapsed.TotalSeconds.ToString("0.00", c)} s)");
                table.AddRow("process CPU time during ingest", $"{cpuUsed.TotalSeconds.ToString("0.0", c)} s ({(cpuUsed.TotalSeconds / clock.Elapsed.TotalSeconds).ToString("0.00", c)} cores busy, broker included)");
                table.AddRow("stored / dead-lettered", $"{stats.Stored.ToString("N0", c)} / {stats.DeadLettered.ToString("N0", c)}");
                table.AddRow("flushes / files", $"{stats.Flushes.ToString("N0", c)} / {stats.FilesWritten.ToString("N0", c)}");
                table.AddRow("Parquet bytes", $"{(stats.BytesWritten / 1048576.0).ToString("0.0", c)} MiB");
                table.AddRow("flush size / fsync / event times", $"{flushMessages.ToString("N0", c)} / {(fsync ? "on" : "off")} / {(liveTimes ? "live (one hour)" : "original")}");
                table.AddRow("cores", Environment.ProcessorCount.ToString(c));
                AnsiConsole.Write(table);
            }
            return 0;
        }
        catch (IngestDataLostException e)
        {
            // Figures over a stream with holes would be wrong; the embedded broker's retention is the cause, not a bug.
            throw new EnvironmentException(e.Message, e);
        }
        finally
        {
            try { Directory.Delete(storeRoot, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>The source events repeated until <paramref name="total"/>; repeats get the id suffix <c>~rN</c> so all are distinct.</summary>
    /// <remarks>With <paramref name="liveTimes"/>, event n of N gets time 2026-01-01T00:00Z + n/N hours (order kept).</remarks>
    internal static IEnumerable<ClickEvent> Cycle(IReadOnlyList<ClickEvent> source, long total, bool liveTimes = false)
    {
        var live = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        long n = 0;
        for (int pass = 1; ; pass++)
        {
            foreach (var e in source)
            {
                if (n >= total) yield break;
                var time = liveTimes ? live.AddTicks(TimeSpan.TicksPerHour * n / total / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond) : e.EventTime;
                n++;
                yield return pass == 1 && !liveTimes ? e : e with { Id = pass == 1 ? e.Id : $"{e.Id}~r{pass}", EventTime = time };
            }
        }
    }
}
