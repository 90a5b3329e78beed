using System.CommandLine;
using System.Globalization;
using Flip.Demo;
using Flip.FeatureStore;
using Flip.FeatureStore.Errors;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Flip.Cli;

/// <summary>
/// `flip demo`: the live loop in one command (<see cref="DemoRun"/> does the work). This class parses the options, shows
/// the live dashboard while the run goes, and prints the summary table and the chart's path at the end.
/// </summary>
internal static class DemoCommand
{
    public static Command Create() => Create(Run);

    /// <summary>The command with <paramref name="run"/> given the bound options and whether to print plain lines (tests bind without running).</summary>
    internal static Command Create(Func<DemoOptions, bool, CancellationToken, Task<int>> run)
    {
        var path = CliOptions.DatasetPath();
        path.Required = false;
        path.DefaultValueFactory = _ => new DirectoryInfo(DefaultDatasetPath());
        var work = new Option<DirectoryInfo>("--work", "-w") { Description = "Folder of the run: store/, registry/, chart, summary, log (default: a new folder under the system temp folder)" };
        // Help shows the plain run's defaults; with --quick an option not given takes DemoOptions.Quick()'s value instead.
        var defaults = new DemoOptions();
        var backfill = new Option<double>("--backfill") { Description = "Share of the events (oldest first) backfilled at full speed before the live part", DefaultValueFactory = _ => defaults.BackfillFraction };
        var speedup = new Option<double>("--speedup") { Description = "Event-time seconds per wall second in the live part; 0 = fit the live part into --live-seconds", DefaultValueFactory = _ => defaults.Speedup };
        var liveSeconds = new Option<double>("--live-seconds") { Description = "Wall seconds of the live part when --speedup is 0", DefaultValueFactory = _ => defaults.LiveDuration.TotalSeconds };
        var limit = CliOptions.Limit("Replay only the oldest N events (default: all)");
        var threads = TorchCliOptions.ServiceThreads("the services' settings, Trainer:Threads 2 and Scorer:TorchThreads 1");
        var quick = new Option<bool>("--quick") { Description = "A short run: the oldest 60,000 events, 45 live seconds, 1,000-event trainer windows, pretraining every 20,000 events (options given explicitly still win)" };
        var model = new Option<string>("--model") { Description = "Model the online trainer trains (Trainer:Model): flip-id, flip, flip-plm or an ID-zoo name (dcnv2, ...)", DefaultValueFactory = _ => defaults.Model };
        var pretrainEvery = new Option<string>("--pretrain-every") { Description = "Periodic FLIP pretraining every N trained events or an event-time span (Trainer:PretrainEvery; \"\" = off; FLIP models only)", DefaultValueFactory = _ => defaults.PretrainEvery };
        var plmLayers = new Option<int>("--plm-layers") { Description = "MiniLM encoder layers kept for a FLIP model (Trainer:PlmLayers; 0 = all 6)", DefaultValueFactory = _ => defaults.PlmLayers };
        var window = new Option<string>("--window") { Description = "Trainer window: events (5000) or an event-time span (01:00:00)", DefaultValueFactory = _ => defaults.TrainerWindow };
        var scorerPort = new Option<int>("--scorer-port") { Description = "Loopback port of the scorer's HTTP API (0 = a free port)" };
        var set = new Option<string[]>("--set") { Description = "Extra configuration for the workers, KEY=VALUE (repeatable), e.g. --set Trainer:LearningRate=0.002", AllowMultipleArgumentsPerToken = false };
        var plain = new Option<bool>("--plain") { Description = "One status line every 10 s instead of the live dashboard (also when output is redirected)" };
        var cmd = new Command("demo", "The live loop on MovieLens-1M in one command: embedded Kafka, backfill then live replay, ingest, online trainer, scorer, simulated front end; live dashboard, summary and chart");
        foreach (var o in new Option[] { path, work, backfill, speedup, liveSeconds, limit, quick, model, pretrainEvery, plmLayers, window, scorerPort, set, plain, threads }) cmd.Options.Add(o);
        cmd.SetAction((parse, ct) =>
        {
            var baseline = parse.GetValue(quick) ? DemoOptions.Quick() : defaults;
            T Given<T>(Option<T> option, T otherwise) => parse.GetResult(option) is { Implicit: false } ? parse.GetValue(option)! : otherwise;
            var options = new DemoOptions
            {
                DatasetPath = parse.GetValue(path)!.FullName,
                WorkDirectory = parse.GetValue(work)?.FullName ?? "",
                BackfillFraction = Given(backfill, baseline.BackfillFraction),
                Speedup = Given(speedup, baseline.Speedup),
                LiveDuration = TimeSpan.FromSeconds(Given(liveSeconds, baseline.LiveDuration.TotalSeconds)),
                Limit = parse.GetValue(limit) ?? baseline.Limit,
                Model = Given(model, baseline.Model),
                PretrainEvery = Given(pretrainEvery, baseline.PretrainEvery),
                PlmLayers = Given(plmLayers, baseline.PlmLayers),
                TrainerWindow = Given(window, baseline.TrainerWindow),
                ScorerPort = parse.GetValue(scorerPort),
            };
            if (parse.GetValue(threads) is { } n)
            {
                // One process, one torch thread pool: the trainer and the scorer get the same count.
                options.Settings["Trainer:Threads"] = n.ToString(CultureInfo.InvariantCulture);
                options.Settings["Scorer:TorchThreads"] = n.ToString(CultureInfo.InvariantCulture);
            }
            foreach (var pair in parse.GetValue(set) ?? [])
            {
                int eq = pair.IndexOf('=');
                if (eq <= 0) throw new UserInputException($"--set expects KEY=VALUE, got '{pair}'");
                options.Settings[pair[..eq]] = pair[(eq + 1)..];
            }
            return run(options, parse.GetValue(plain) || Console.IsOutputRedirected, ct);
        });
        return cmd;
    }

    /// <summary><c>../shared/datasets/movielens-1m</c> beside the repository (see <see cref="RepositoryRoot"/>).</summary>
    public static string DefaultDatasetPath() => RepositoryRoot.SharedPath("datasets", "movielens-1m");

    private static async Task<int> Run(DemoOptions options, bool plain, CancellationToken ct)
    {
        // The workers log to the console; during the run their lines go to <work>/demo.log so the dashboard stays readable.
        var screen = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        options.WorkDirectory = DemoRun.ResolveWorkDirectory(options);
        Directory.CreateDirectory(options.WorkDirectory);
        var logPath = Path.Combine(options.WorkDirectory, "demo.log");
        var (stdout, stderr) = (Console.Out, Console.Error);
        using var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var logWriter = TextWriter.Synchronized(log);
        screen.MarkupLine($"[bold]flip demo[/]: the live loop on MovieLens-1M ({Markup.Escape(options.DatasetPath)})");
        screen.MarkupLine($"run folder [blue]{Markup.Escape(options.WorkDirectory)}[/], worker logs in demo.log; Ctrl+C stops cleanly");
        DemoReport report;
        Console.SetOut(logWriter);
        Console.SetError(logWriter);
        try
        {
            report = plain ? await RunPlain(screen, options, ct) : await RunLive(screen, options, ct);
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
        screen.Write(SummaryTable(report));
        if (report.ChartPath is not null) screen.MarkupLine($"chart [blue]{Markup.Escape(report.ChartPath)}[/]");
        if (report.SummaryPath is not null) screen.MarkupLine($"summary [blue]{Markup.Escape(report.SummaryPath)}[/]");
        foreach (var failure in report.Failures) screen.MarkupLine($"[red]failure:[/] {Markup.Escape(failure)} (see {Markup.Escape(logPath)})");
        return report.Failures.Count > 0 ? 1 : 0;
    }

    private static async Task<DemoReport> RunLive(IAnsiConsole screen, DemoOptions options, CancellationToken ct)
    {
        DemoSnapshot? latest = null;
        DemoReport? report = null;
        await screen.Live(Dashboard(null)).AutoClear(false).StartAsync(async ctx =>
        {
            var run = DemoRun.RunAsync(options, s => Volatile.Write(ref latest, s), ct);
            while (!run.IsCompleted)
            {
                await Task.WhenAny(run, Task.Delay(500, CancellationToken.None));
                ctx.UpdateTarget(Dashboard(Volatile.Read(ref latest)));
            }
            report = await run;
            ctx.UpdateTarget(Dashboard(Volatile.Read(ref latest)));
        });
        return report!;
    }

    private static async Task<DemoReport> RunPlain(IAnsiConsole screen, DemoOptions options, CancellationToken ct)
    {
        var lastPrinted = TimeSpan.Zero;
        var gate = new object();
        return await DemoRun.RunAsync(options, s =>
        {
            lock (gate)
            {
                if (s.Phase != DemoPhase.Done && s.Elapsed - lastPrinted < TimeSpan.FromSeconds(10)) return;
                lastPrinted = s.Elapsed;
                screen.WriteLine(StatusLine(s));
            }
        }, ct);
    }

    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    static string N(double v) => double.IsNaN(v) ? "-" : v.ToString("N0", C);
    static string Auc(double v) => double.IsNaN(v) ? "-" : v.ToString("F4", C);
    static string Secs(TimeSpan? t) => t is { } v ? $"{v.TotalSeconds.ToString("F1", C)} s" : "-";
    static string Version(long v) => v > 0 ? v.ToString("000000", C) : "none yet";

    static string StatusLine(DemoSnapshot s) =>
        $"{s.Elapsed:mm\\:ss} {s.Phase,-8} produced {N(s.Produced)}/{N(s.TotalEvents)} stored {N(s.Stored)} lag {N(s.ConsumerLag)} " +
        $"windows {N(s.TrainerWindows)} pretrain {N(s.PretrainRuns)} preqAUC {Auc(s.PrequentialAuc)} served {Version(s.ServedVersion)} liveAUC {Auc(s.FrontEndLiveAuc)} " +
        $"p99 {(double.IsNaN(s.ScorerP99Seconds) ? "-" : (s.ScorerP99Seconds * 1000).ToString("F1", C) + " ms")}";

    static IRenderable Dashboard(DemoSnapshot? s)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]flip demo: live loop[/]")
            .AddColumn("part").AddColumn("figure").AddColumn(new TableColumn("value").RightAligned());
        if (s is null)
        {
            table.AddRow("demo", "phase", "starting: reading MovieLens-1M, starting broker and workers");
            return table;
        }
        string clock = s.EventClock is { } t ? $"{t.ToString("yyyy-MM-dd HH:mm", C)} ({N(s.Speedup)}x)" : "-";
        table.AddRow("demo", "phase / elapsed", $"{s.Phase} / {s.Elapsed:mm\\:ss}");
        table.AddRow("", "event clock (live)", clock);
        table.AddRow("replay", "events produced (acked)", $"{N(s.Produced)} / {N(s.TotalEvents)}  ({N(s.ProducedPerSecond)}/s)");
        table.AddRow("ingest", "events stored", $"{N(s.Stored)}  ({N(s.StoredPerSecond)}/s)");
        table.AddRow("", "dead-lettered / consumer lag", $"{N(s.DeadLettered)} / {N(s.ConsumerLag)}");
        table.AddRow("trainer", "windows trained / data lag", $"{N(s.TrainerWindows)} / {(double.IsNaN(s.TrainerDataLagSeconds) ? "-" : TimeSpan.FromSeconds(s.TrainerDataLagSeconds).ToString("g", C))} event time");
        table.AddRow("", "prequential AUC (last window)", Auc(s.PrequentialAuc));
        table.AddRow("", "FLIP pretraining runs / time", s.PretrainRuns > 0 ? $"{N(s.PretrainRuns)} / {s.PretrainSeconds.ToString("F0", C)} s" : "-");
        table.AddRow("", "published version", Version(s.PublishedVersion));
        table.AddRow("scorer", "served version / age", $"{Version(s.ServedVersion)} / {Secs(s.ModelAge)}");
        table.AddRow("", "live AUC: front end (last 5k) / scorer", $"{Auc(s.FrontEndLiveAuc)} / {Auc(s.ScorerLiveAuc)}");
        table.AddRow("", "p99 latency /v1/score", double.IsNaN(s.ScorerP99Seconds) ? "-" : $"{(s.ScorerP99Seconds * 1000).ToString("F2", C)} ms");
        table.AddRow("", "live events scored before click", $"{N(s.LiveScored)} / {N(s.LivePlayed)}");
        table.AddRow("freshness", "click -> trained -> served", $"{Secs(s.ClickToTrained)} -> {Secs(s.TrainedToServed)}");
        foreach (var f in s.Failures) table.AddRow("[red]crash[/]", "", Markup.Escape(f));
        return table;
    }

    static Table SummaryTable(DemoReport r)
    {
        var t = new Table().Border(TableBorder.Rounded).Title($"[bold]flip demo summary[/]{(r.Interrupted ? " [yellow](stopped by Ctrl+C)[/]" : "")}")
            .AddColumn("measure").AddColumn(new TableColumn("value").RightAligned());
        t.AddRow("wall time", r.WallTime.ToString(@"m\:ss", C));
        t.AddRow("events: dataset / backfill / live", $"{N(r.DatasetEvents)} / {N(r.BackfillEvents)} / {N(r.LiveEvents)}");
        t.AddRow("backfill wall time", Secs(r.BackfillWallTime));
        t.AddRow("live event clock", $"{N(r.Speedup)}x");
        t.AddRow("acknowledged / stored / dead-lettered", $"{N(r.Produced)} / {N(r.Stored)} / {N(r.DeadLettered)}");
        t.AddRow("acknowledged but not stored (must be 0)", r.Unaccounted == 0 ? "[green]0[/]" : $"[red]{N(r.Unaccounted)}[/]");
        t.AddRow("trainer windows / versions published", $"{N(r.TrainerWindows)} / {N(r.PublishedVersions)}");
        if (r.PretrainRuns > 0) t.AddRow("FLIP pretraining runs / wall time", $"{N(r.PretrainRuns)} / {r.PretrainSeconds.ToString("F0", C)} s");
        t.AddRow("prequential AUC (all windows / last)", $"{Auc(r.PrequentialAucMean)} / {Auc(r.PrequentialAucLast)}");
        t.AddRow("live events scored before their click", $"{N(r.LiveScored)} / {N(r.LivePlayed)}");
        t.AddRow("live AUC of served scores (all / scorer last)", $"{Auc(r.LiveAucOverall)} / {Auc(r.ScorerLiveAucLast)}");
        t.AddRow("/v1/score round trip p50 / p99", $"{Ms(r.ScoreP50Seconds)} / {Ms(r.ScoreP99Seconds)}");
        var fresh = r.ServedVersions.Where(v => v.ClickToServed is not null).ToList();
        if (fresh.Count > 0)
        {
            static double Median(IEnumerable<double> xs) { var a = xs.Order().ToArray(); return a[a.Length / 2]; }
            t.AddRow("versions served", N(r.ServedVersions.Count));
            t.AddRow("freshness median: click -> trained -> served",
                $"{Median(fresh.Select(v => v.ClickToTrained!.Value.TotalSeconds)).ToString("F1", C)} s -> {Median(fresh.Select(v => v.TrainedToServed.TotalSeconds)).ToString("F1", C)} s");
            t.AddRow("freshness median: click -> served", $"{Median(fresh.Select(v => v.ClickToServed!.Value.TotalSeconds)).ToString("F1", C)} s");
        }
        t.AddRow("store / registry", $"{Markup.Escape(r.StoreRoot)} / {Markup.Escape(r.RegistryRoot)}");
        return t;
    }

    static string Ms(double seconds) => double.IsNaN(seconds) ? "-" : $"{(seconds * 1000).ToString("F1", C)} ms";
}
