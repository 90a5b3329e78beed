using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Flip.FeatureStore.Errors;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Readers;
using Flip.FeatureStore.Store;
using Parquet;
using Spectre.Console;

namespace Flip.Cli;

/// <summary>
/// `flip bench store`: dataset files -> events -> Parquet feature store -> events, timing each step and
/// checking that what comes back is exactly what went in.
/// </summary>
internal static class BenchStoreCommand
{
    public static Command Create()
    {
        var dataset = CliOptions.Dataset();
        var path = CliOptions.DatasetPath();
        var json = CliOptions.Json();
        var output = CliOptions.Out("Folder for the store (must be empty or missing; kept afterwards). Default: a temporary folder, deleted afterwards");
        var compression = new Option<CompressionMethod>("--compression")
        {
            Description = "Parquet compression",
            DefaultValueFactory = _ => new ParquetStoreOptions().Compression,
        };
        compression.AcceptOnlyFromAmong(nameof(CompressionMethod.Snappy), nameof(CompressionMethod.Zstd), nameof(CompressionMethod.Gzip), nameof(CompressionMethod.None));
        var noFsync = new Option<bool>("--no-fsync")
        {
            Description = "Skip fsync of files and folders (measures encoding alone; the store is then not crash-safe)",
        };
        var cmd = new Command("store", "Read a dataset, write it to the Parquet feature store, read it back; print rows/s per step and bytes on disk");
        cmd.Options.Add(dataset);
        cmd.Options.Add(path);
        cmd.Options.Add(output);
        cmd.Options.Add(compression);
        cmd.Options.Add(noFsync);
        cmd.Options.Add(json);
        cmd.SetAction(parse => Run(parse.GetValue(dataset)!, parse.GetValue(path)!, parse.GetValue(output),
            new ParquetStoreOptions { Compression = parse.GetValue(compression), Fsync = !parse.GetValue(noFsync) }, parse.GetValue(json)));
        return cmd;
    }

    /// <summary>One timed step: wall-clock seconds, and CPU seconds of this process (all threads) so a busy machine can be told apart.</summary>
    internal sealed record Step(string Name, long Rows, double Seconds, double CpuSeconds)
    {
        public double RowsPerSecond => Seconds > 0 ? Rows / Seconds : double.PositiveInfinity;
    }

    /// <summary>Everything the command measured.</summary>
    internal sealed record Result(
        string Dataset, long Events, IReadOnlyList<Step> Steps, int Files, long BytesOnDisk, long InputBytes,
        string Compression, bool Fsync, int Parallelism, int ProcessorCount, bool RoundTripIdentical, string StorePath);

    private static int Run(string dataset, DirectoryInfo path, DirectoryInfo? output, ParquetStoreOptions options, bool asJson)
    {
        var status = CliConsole.Error();
        string root = output?.FullName ?? Path.Combine(Path.GetTempPath(), "flip-bench-store-" + Guid.NewGuid().ToString("N"));
        try
        {
            if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
                throw new UserInputException($"--out folder '{root}' is not empty; give an empty or new folder so the figures cover this run only.");
            var result = status.Status().Start("Benchmarking the feature store...", ctx => Measure(dataset, path, root, options, ctx));
            if (asJson) Console.WriteLine(JsonSerializer.Serialize(result, CliOptions.Indented));
            else Print(result);
            // A store that does not give back what it was given is a bug: exit 1 through the error policy.
            if (!result.RoundTripIdentical) throw new InvalidOperationException("the events read back differ from the events written.");
            return 0;
        }
        finally
        {
            if (output is null && Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    private static Result Measure(string dataset, DirectoryInfo path, string root, ParquetStoreOptions options, StatusContext ctx)
    {
        var steps = new List<Step>();
        var clock = new StepClock();
        var reader = DatasetCatalog.Open(dataset, path.FullName);

        ctx.Status($"Reading {dataset}...");
        clock.Restart();
        var events = reader.ReadEvents().ToList();
        steps.Add(clock.Stop("dataset files -> events", events.Count));

        ctx.Status("Converting to an Arrow record batch and back...");
        clock.Restart();
        using (var batch = ArrowEventBatch.ToRecordBatch(reader.Schema, events))
        {
            steps.Add(clock.Stop("events -> Arrow RecordBatch", events.Count));
            clock.Restart();
            var back = ArrowEventBatch.ToEvents(reader.Schema, batch);
            steps.Add(clock.Stop("Arrow RecordBatch -> events", back.Count));
        }

        ctx.Status($"Writing the store to {root}...");
        clock.Restart();
        var store = new ParquetEventStore(root, reader.Schema, options);
        var files = store.Append(events, SourceId(dataset));
        steps.Add(clock.Stop("events -> Parquet store (write)", events.Count));

        ctx.Status("Counting from file footers...");
        clock.Restart();
        long counted = store.Count();
        steps.Add(clock.Stop("count from footers", counted));

        ctx.Status("Reading the store back...");
        clock.Restart();
        var read = store.ReadAll().ToList();
        steps.Add(clock.Stop("Parquet store -> events (read all)", read.Count));

        // The last 10% by time, as a trainer's test window would read it.
        var (_, _, tail) = ChronologicalSplit.Paper(events.Count).Apply(events);
        clock.Restart();
        long inRange = store.ReadRange(tail[0].EventTime, DateTime.MaxValue).LongCount();
        steps.Add(clock.Stop("read range (last 10% by time)", inRange));

        bool identical = counted == events.Count && Identical(events, read);
        long inputBytes = Directory.EnumerateFiles(path.FullName).Sum(f => new FileInfo(f).Length);
        return new Result(dataset, events.Count, steps, files.Count, store.SizeOnDisk(), inputBytes,
            options.Compression.ToString(), options.Fsync, options.Parallelism, Environment.ProcessorCount, identical, root);
    }

    /// <summary>Wall and process CPU time since the last restart.</summary>
    private sealed class StepClock
    {
        private readonly Stopwatch _wall = new();
        private TimeSpan _cpuStart;

        public void Restart()
        {
            // Start each step with a clean heap so it is not billed for the previous step's garbage.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            _cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
            _wall.Restart();
        }

        public Step Stop(string name, long rows)
        {
            double wall = _wall.Elapsed.TotalSeconds;
            double cpu = (Process.GetCurrentProcess().TotalProcessorTime - _cpuStart).TotalSeconds;
            return new Step(name, rows, wall, cpu);
        }
    }

    /// <summary>The reader yields events in chronological order, stable for ties, and so does the store: same sequence expected.</summary>
    private static bool Identical(IReadOnlyList<ClickEvent> written, IReadOnlyList<ClickEvent> read)
    {
        if (written.Count != read.Count) return false;
        for (int i = 0; i < written.Count; i++)
        {
            var a = written[i];
            var b = read[i];
            var expectedTime = EventTimeAsStored(a.EventTime);
            if (a.Id != b.Id || expectedTime != b.EventTime || a.Label != b.Label || !a.Values.AsSpan().SequenceEqual(b.Values)) return false;
        }
        return true;
    }

    private static DateTime EventTimeAsStored(DateTime t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerMicrosecond, DateTimeKind.Utc);

    private static string SourceId(string dataset)
    {
        var name = Path.GetFileNameWithoutExtension(dataset);
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray();
        var id = new string(chars).TrimStart('.');
        return id.Length == 0 ? "bench" : id;
    }

    private static void Print(Result r)
    {
        var c = CultureInfo.InvariantCulture;
        var table = new Table()
            .Title($"[bold]feature store: {Markup.Escape(r.Dataset)}[/] ({r.Events.ToString("N0", c)} events)")
            .AddColumn("step").AddColumn(new TableColumn("rows").RightAligned())
            .AddColumn(new TableColumn("seconds").RightAligned()).AddColumn(new TableColumn("rows/s").RightAligned())
            .AddColumn(new TableColumn("cpu s").RightAligned());
        foreach (var s in r.Steps)
            table.AddRow(Markup.Escape(s.Name), s.Rows.ToString("N0", c), s.Seconds.ToString("0.000", c), s.RowsPerSecond.ToString("N0", c), s.CpuSeconds.ToString("0.000", c));
        AnsiConsole.Write(table);

        var disk = new Table().AddColumn("store").AddColumn(new TableColumn("value").RightAligned());
        disk.AddRow("files (hour partitions)", r.Files.ToString("N0", c));
        disk.AddRow("bytes on disk", $"{r.BytesOnDisk.ToString("N0", c)} ({(r.BytesOnDisk / 1048576.0).ToString("0.0", c)} MiB)");
        disk.AddRow("bytes per event", (r.Events == 0 ? 0 : (double)r.BytesOnDisk / r.Events).ToString("0.0", c));
        disk.AddRow("dataset files (input)", $"{r.InputBytes.ToString("N0", c)} ({(r.InputBytes / 1048576.0).ToString("0.0", c)} MiB)");
        disk.AddRow("compression", r.Compression);
        disk.AddRow("fsync", r.Fsync ? "yes" : "no");
        disk.AddRow("parallelism / processors", $"{r.Parallelism} / {r.ProcessorCount}");
        disk.AddRow("round trip identical", r.RoundTripIdentical ? "[green]yes[/]" : "[red]NO[/]");
        AnsiConsole.Write(disk);
    }
}
