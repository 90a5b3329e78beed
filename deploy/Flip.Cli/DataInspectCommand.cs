using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Flip.FeatureStore.Readers;
using Spectre.Console;

namespace Flip.Cli;

/// <summary>`flip data inspect`: reads a dataset once and prints its counts, label balance, feature sizes and time range.</summary>
internal static class DataInspectCommand
{
    public static Command Create()
    {
        var dataset = CliOptions.Dataset();
        var path = CliOptions.DatasetPath();
        var json = CliOptions.Json();
        var skip = new Option<bool>("--skip-malformed")
        {
            Description = "Skip malformed rows (counted and shown) instead of stopping at the first one",
        };
        var cmd = new Command("inspect", "Read a dataset and print samples, positives, distinct features per field, time range and skipped rows");
        cmd.Options.Add(dataset);
        cmd.Options.Add(path);
        cmd.Options.Add(json);
        cmd.Options.Add(skip);
        cmd.SetAction(parse => Run(parse.GetValue(dataset)!, parse.GetValue(path)!, parse.GetValue(json), parse.GetValue(skip)));
        return cmd;
    }

    private static readonly JsonSerializerOptions JsonOutput = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // keep "rating > 3" readable
    };

    private static int Run(string dataset, DirectoryInfo path, bool asJson, bool skipMalformed)
    {
        // Progress goes to stderr so that --json output on stdout stays clean.
        var status = CliConsole.Error();
        var reader = DatasetCatalog.Open(dataset, path.FullName, new ReaderOptions { SkipMalformed = skipMalformed });
        var summary = status.Status().Start($"Reading {Markup.Escape(dataset)} from {Markup.Escape(path.FullName)}...", ctx =>
            DatasetSummary.Compute(reader, new Progress<long>(n => ctx.Status($"Summarizing: {n:N0} events"))));

        if (asJson)
        {
            Console.WriteLine(JsonSerializer.Serialize(summary, JsonOutput));
            return 0;
        }
        Print(summary);
        return 0;
    }

    private static void Print(DatasetSummary s)
    {
        var c = CultureInfo.InvariantCulture;
        var table = new Table().Title($"[bold]{Markup.Escape(s.Dataset)}[/]").AddColumn("measure").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("samples (after label rule)", s.Samples.ToString("N0", c));
        table.AddRow("positives", s.Positives.ToString("N0", c));
        table.AddRow("positive rate", s.PositiveRate.ToString("P2", c));
        table.AddRow("label rule", Markup.Escape(s.LabelRule));
        table.AddRow("fields", s.FieldCount.ToString(c));
        table.AddRow("distinct features (all fields)", s.TotalDistinctFeatures.ToString("N0", c));
        table.AddRow("first event time (UTC)", s.FirstEventTime?.ToString("u", c) ?? "-");
        table.AddRow("last event time (UTC)", s.LastEventTime?.ToString("u", c) ?? "-");
        table.AddRow("rows read", s.RowsRead.ToString("N0", c));
        table.AddRow("dropped by label rule", s.DroppedByLabelRule.ToString("N0", c));
        table.AddRow("dropped by dataset rule", s.DroppedByFilter.ToString("N0", c));
        table.AddRow("kept with unknown side values", s.FilledMissingJoin.ToString("N0", c));
        table.AddRow("skipped malformed", s.SkippedMalformed.ToString("N0", c));
        table.AddRow("read time", $"{s.ReadSeconds.ToString("0.00", c)} s");
        AnsiConsole.Write(table);

        var fields = new Table().Title("distinct features per field").AddColumn("field").AddColumn("text name").AddColumn(new TableColumn("distinct").RightAligned());
        foreach (var f in s.Fields) fields.AddRow(Markup.Escape(f.Name), Markup.Escape(f.TextName), f.Distinct.ToString("N0", c));
        AnsiConsole.Write(fields);

        foreach (var example in s.SkippedExamples) AnsiConsole.MarkupLine($"[yellow]skipped:[/] {Markup.Escape(example)}");
    }
}
