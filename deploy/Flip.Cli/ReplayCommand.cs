using System.CommandLine;
using System.Globalization;
using Flip.FeatureStore.Errors;
using Flip.FeatureStore.Readers;
using Flip.Ingest.Dev.Replay;
using Spectre.Console;

namespace Flip.Cli;

/// <summary>`flip replay`: produces a dataset's events chronologically to flip.clicks.</summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var dataset = CliOptions.Dataset();
        var path = CliOptions.DatasetPath();
        var bootstrap = StreamingConfiguration.Bootstrap();
        var rate = new Option<double>("--rate") { Description = "Events per second (0 = as fast as possible)" };
        var limit = CliOptions.Limit("Most events per pass (default: all)");
        var repeat = new Option<int>("--repeat")
        {
            Description = "Passes over the dataset; passes after the first get new event ids (suffix ~rN)",
            DefaultValueFactory = _ => 1,
        };
        var clusterWait = StreamingConfiguration.ClusterWait();
        var cmd = new Command("replay", "Replay a dataset's events in chronological order onto Kafka topic flip.clicks (JSON, keyed by user id)");
        foreach (var o in new Option[] { dataset, path, bootstrap, rate, limit, repeat, clusterWait }) cmd.Options.Add(o);
        cmd.SetAction((parse, ct) => Task.FromResult(Run(parse.GetValue(dataset)!, parse.GetValue(path)!, parse.GetValue(bootstrap),
            new ReplayOptions { EventsPerSecond = parse.GetValue(rate), Limit = parse.GetValue(limit) ?? 0, Repeat = parse.GetValue(repeat),
                ClusterWaitTimeout = TimeSpan.FromSeconds(parse.GetValue(clusterWait) ?? 30) }, ct)));
        return cmd;
    }

    private static int Run(string dataset, DirectoryInfo path, string? bootstrap, ReplayOptions options, CancellationToken ct)
    {
        if (options.Repeat < 1 || options.EventsPerSecond < 0)
            throw new UserInputException("--repeat must be at least 1 and --rate must not be negative");
        var kafka = StreamingConfiguration.Kafka(StreamingConfiguration.Load(StreamingConfiguration.Overrides(bootstrap)));
        var reader = DatasetCatalog.Open(dataset, path.FullName);
        var replayer = new EventReplayer(kafka, reader.Schema);
        // Read once; every pass replays the same list.
        var events = AnsiConsole.Status().Start($"Reading {Markup.Escape(dataset)}...", _ => reader.ReadEvents().ToList());
        long perPass = options.Limit > 0 ? Math.Min(options.Limit, events.Count) : events.Count;
        long total = perPass * options.Repeat;
        ReplayResult result = null!;
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"Replaying to {Markup.Escape(kafka.ClicksTopic)} at {Markup.Escape(kafka.BootstrapServers)}", maxValue: Math.Max(1, total));
                result = replayer.Replay(() => events, options, acked => task.Value = acked, ct);
                task.Value = total;
            });
        var c = CultureInfo.InvariantCulture;
        AnsiConsole.MarkupLine($"Replayed [bold]{result.Produced.ToString("N0", c)}[/] events ({(result.Bytes / 1048576.0).ToString("0.0", c)} MiB) in {result.Elapsed.TotalSeconds.ToString("0.00", c)} s = {result.EventsPerSecond.ToString("N0", c)} events/s");
        return 0;
    }
}
