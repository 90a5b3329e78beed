using Flip.Trainer.Training;
using System.CommandLine;
using System.Globalization;
using Confluent.Kafka;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Readers;
using Flip.FeatureStore.Store;
using Flip.FeatureStore.Vocabulary;
using Flip.Ingest.Dev.Kafka;
using Flip.Hosting;
using Flip.Ingest.Kafka;
using Flip.Ingest.Pipeline;
using Flip.Ingest.Dev.Replay;
using Flip.Ingest.Worker;
using Spectre.Console;

namespace Flip.Cli;

/// <summary>
/// `flip demo`: the whole streaming path in one process: embedded broker, replay of MovieLens-1M onto
/// flip.clicks, ingest into a Parquet store, then an ID model trained on the store (see <see cref="TrainIdModel"/>).
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var path = CliOptions.DatasetPath();
        path.Required = false;
        path.DefaultValueFactory = _ => new DirectoryInfo(DefaultDatasetPath());
        var store = new Option<DirectoryInfo>("--store", "-s")
        {
            Description = "Store folder (default: a new folder under the system temp folder)",
        };
        var limit = new Option<long>("--limit") { Description = "Replay at most this many events (0 = all)" };
        var cmd = new Command("demo", "End to end on MovieLens-1M: embedded Kafka, replay, ingest to Parquet, train an ID model and print test AUC");
        foreach (var o in new Option[] { path, store, limit }) cmd.Options.Add(o);
        cmd.SetAction((parse, ct) => Run(parse.GetValue(path)!, parse.GetValue(store), parse.GetValue(limit), ct));
        return cmd;
    }

    /// <summary><c>../shared/datasets/movielens-1m</c> beside the repository holding the working folder (or flip.dll), else relative to the working folder.</summary>
    public static string DefaultDatasetPath()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Flip.Streaming.sln")))
                    return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "datasets", "movielens-1m"));
            }
        }
        return Path.GetFullPath(Path.Combine("..", "shared", "datasets", "movielens-1m"));
    }

    private static async Task<int> Run(DirectoryInfo path, DirectoryInfo? storeDir, long limit, CancellationToken ct)
    {
        var c = CultureInfo.InvariantCulture;
        var storeRoot = storeDir?.FullName ?? Path.Combine(Path.GetTempPath(), $"flip-demo-store-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
        List<ClickEvent> events;
        IDatasetReader reader;
        try
        {
            reader = DatasetCatalog.Open("movielens-1m", path.FullName);
            events = AnsiConsole.Status().Start("1/4 Reading MovieLens-1M...", _ => reader.ReadEvents().ToList());
        }
        catch (Exception e) when (e is DatasetFormatException or FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)} (pass --path to the folder with ratings.dat, users.dat, movies.dat)");
            return 2;
        }
        if (limit > 0 && limit < events.Count) events = events.GetRange(0, (int)limit);
        AnsiConsole.MarkupLine($"1/4 Read [bold]{events.Count.ToString("N0", c)}[/] events from {Markup.Escape(path.FullName)}");

        using var broker = new EmbeddedKafkaBroker();
        var kafka = new KafkaOptions { BootstrapServers = broker.BootstrapServers };
        broker.CreateIngestTopics(kafka, partitions: 8); // 8 x 5 MiB of lz4 batches holds the whole replay even if ingest lags
        AnsiConsole.MarkupLine($"2/4 Embedded Kafka on {broker.BootstrapServers}; replaying onto {kafka.ClicksTopic}, ingesting into {Markup.Escape(storeRoot)}");

        var ingest = new IngestOptions { Dataset = "movielens-1m", MetricsPort = 0, ConsumerGroup = "flip-demo", FlushInterval = TimeSpan.FromSeconds(10) };
        var storeOptions = new ParquetStoreOptions { Root = storeRoot };
        try
        {
            await using (var run = await IngestRun.StartAsync(kafka, ingest, storeOptions))
            {
                ReplayResult replayed = null!;
                await AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                    .StartAsync(async ctx =>
                    {
                        var replayTask = ctx.AddTask("replay  -> flip.clicks", maxValue: events.Count);
                        var ingestTask = ctx.AddTask("ingest  -> Parquet", maxValue: events.Count);
                        await run.WaitForAssignmentAsync(TimeSpan.FromMinutes(1), ct);
                        replayed = await Task.Run(() => new EventReplayer(kafka, reader.Schema)
                            .Replay(() => events, new ReplayOptions(), n => replayTask.Value = n, ct), ct);
                        replayTask.Value = events.Count;
                        long dropped = TopicWatermarks.DroppedMessages(kafka, kafka.ClicksTopic);
                        if (dropped > 0)
                            throw new InvalidOperationException($"The embedded broker dropped {dropped:N0} events before they were ingested (each partition keeps {EmbeddedKafkaBroker.RetainedBytesPerPartition / 1048576} MiB).");
                        await run.WaitForAsync(events.Count, TimeSpan.FromMinutes(20), s => ingestTask.Value = s.Stored + s.DeadLettered, ct);
                    });
                await run.StopAsync();
                AnsiConsole.MarkupLine($"3/4 Replayed {replayed.Produced.ToString("N0", c)} events ({replayed.EventsPerSecond.ToString("N0", c)}/s); stored {run.Statistics.Stored.ToString("N0", c)}, dead-lettered {run.Statistics.DeadLettered.ToString("N0", c)}");
            }
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or KafkaException or KafkaDeliveryException or IOException)
        {
            AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return 2;
        }

        var store = new ParquetEventStore(storeRoot, reader.Schema);
        PrintStoreSummary(store);
        return TrainIdModel(store, ct);
    }

    private static void PrintStoreSummary(ParquetEventStore store)
    {
        var c = CultureInfo.InvariantCulture;
        var files = store.ListFiles();
        var vocabDir = store.VocabularyDirectory;
        var vocab = FeatureVocabulary.LatestPath(vocabDir) is not null ? FeatureVocabulary.LoadLatest(vocabDir, store.Schema) : null;
        var table = new Table().Title("[bold]store[/]").AddColumn("measure").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("root", Markup.Escape(store.Root));
        table.AddRow("events", store.Count().ToString("N0", c));
        table.AddRow("files / hour partitions", $"{files.Count.ToString("N0", c)} / {files.Select(f => f.Hour).Distinct().Count().ToString("N0", c)}");
        table.AddRow("size", $"{(store.SizeOnDisk() / 1048576.0).ToString("0.0", c)} MiB");
        table.AddRow("first hour / last event (UTC)", $"{(files.Count > 0 ? files[0].Hour.ToString("u", c) : "-")} / {store.Watermark?.ToString("u", c) ?? "-"}");
        table.AddRow("vocabulary ids", vocab?.Count.ToString("N0", c) ?? "-");
        AnsiConsole.Write(table);
    }

    /// <summary>
    /// Step 4: the quick ID configuration (DCNv2, the FLIP_ID backbone, 2 epochs) trained on the store's events read back
    /// chronologically, with the paper's split; prints validation and test AUC/logloss.
    /// </summary>
    private static int TrainIdModel(ParquetEventStore store, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var options = new IdTrainingOptions { MaxEpochs = 2 };
        Flip.Trainer.TorchRuntime.Configure(options.Threads);
        AnsiConsole.MarkupLine("4/4 training [bold]dcnv2[/] on the store (chronological 90/10 split, validation = end of train)");
        var result = IdRunConsole.Show(AnsiConsole.Console, "dcnv2", progress => IdExperiment.RunOnStore("dcnv2", store, options, progress, ct));
        using (result.Model)
        {
            var c = CultureInfo.InvariantCulture;
            var v = result.Training.BestValidation;
            AnsiConsole.MarkupLine($"validation AUC {v.Auc.ToString("F4", c)}, logloss {v.LogLoss.ToString("F4", c)} (best epoch {result.Training.BestEpoch})");
            AnsiConsole.MarkupLine($"[bold green]test AUC {result.Test.Auc.ToString("F4", c)}[/], logloss {result.Test.LogLoss.ToString("F4", c)} on {result.Test.Count.ToString("N0", c)} held-out events");
        }
        return 0;
    }
}
