using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Flip.Trainer.IdModels;
using Spectre.Console;

namespace Flip.Cli;

/// <summary>`flip bench id`: trains every requested ID model on one dataset and writes a markdown + JSON results table.</summary>
internal static class BenchIdCommand
{
    public static Command Create()
    {
        var dataset = CliOptions.Dataset();
        var path = CliOptions.DatasetPath();
        var json = CliOptions.Json();
        var models = new Option<string>("--models")
        {
            Description = $"Comma-separated models, or 'all' ({string.Join(", ", CtrModelFactory.Names)})",
            DefaultValueFactory = _ => "all",
        };
        var output = CliOptions.Out("Folder for id-<dataset>.md and id-<dataset>.json (e.g. docs/results/)");
        var training = new IdTrainingCliOptions();
        var cmd = new Command("id", "Train and evaluate ID-based CTR models on a dataset (same split and seed for all) and tabulate test AUC, logloss, speed and size");
        cmd.Options.Add(dataset);
        cmd.Options.Add(path);
        cmd.Options.Add(models);
        training.AddTo(cmd);
        cmd.Options.Add(output);
        cmd.Options.Add(json);
        cmd.SetAction(parse => Run(parse, training, parse.GetValue(dataset)!, parse.GetValue(path)!, parse.GetValue(models)!,
            parse.GetValue(output), parse.GetValue(json)));
        return cmd;
    }

    private static int Run(ParseResult parse, IdTrainingCliOptions training, string dataset, DirectoryInfo path, string modelList,
        DirectoryInfo? output, bool asJson)
    {
        var console = CliConsole.Error();
        var options = training.Read(parse);
        var names = modelList.Trim().Equals("all", StringComparison.OrdinalIgnoreCase)
            ? CtrModelFactory.Names.ToList()
            : modelList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        foreach (var name in names) CtrModelFactory.Create(name, 1, 2).Dispose(); // unknown names fail before hours of training
        var (schema, events) = console.Status().Start($"Reading {Markup.Escape(dataset)}...", _ => training.ReadEvents(parse, dataset, path.FullName));
        var rows = new List<IdRunSummary>();
        foreach (var name in names)
        {
            var result = IdRunConsole.Train(console, name, schema, events, options, showProgress: true);
            using (result.Model) rows.Add(IdRunSummary.From(result, options));
            var r = rows[^1];
            console.MarkupLine($"[bold]{Markup.Escape(name)}[/]: test AUC {r.TestAuc:F4}, logloss {r.TestLogLoss:F4}, {r.EpochsRun} epochs, {r.TrainSamplesPerSecond:N0} train samples/s");
        }
        var command = "./flip " + string.Join(" ", Environment.GetCommandLineArgs().Skip(1));
        var report = new IdBenchReport(dataset, command, DateTime.UtcNow, Environment.ProcessorCount, options.Threads, events.Count, rows);
        if (output is not null)
        {
            Directory.CreateDirectory(output.FullName);
            var stem = Path.Combine(output.FullName, $"id-{dataset}");
            File.WriteAllText(stem + ".json", JsonSerializer.Serialize(report, CliOptions.Indented) + "\n");
            File.WriteAllText(stem + ".md", Markdown(report));
            console.MarkupLine($"wrote [green]{Markup.Escape(stem)}.md[/] and [green].json[/]");
        }
        if (asJson) Console.WriteLine(JsonSerializer.Serialize(report, CliOptions.Indented));
        else AnsiConsole.Write(Table(report));
        return 0;
    }

    private static Table Table(IdBenchReport report)
    {
        var c = CultureInfo.InvariantCulture;
        var table = new Table().Title($"[bold]ID models on {Markup.Escape(report.Dataset)}[/]").AddColumn("model");
        foreach (var h in new[] { "test AUC", "test logloss", "val AUC", "epochs (best)", "train samples/s", "inference samples/s", "parameters" })
            table.AddColumn(new TableColumn(h).RightAligned());
        foreach (var r in report.Models)
            table.AddRow(Markup.Escape(r.Model), r.TestAuc.ToString("F4", c), r.TestLogLoss.ToString("F4", c), r.ValidationAuc.ToString("F4", c),
                $"{r.EpochsRun} ({r.BestEpoch})", r.TrainSamplesPerSecond.ToString("N0", c), r.InferenceSamplesPerSecond.ToString("N0", c), r.Parameters.ToString("N0", c));
        return table;
    }

    private static string Markdown(IdBenchReport report)
    {
        var c = CultureInfo.InvariantCulture;
        var first = report.Models.FirstOrDefault();
        var sb = new StringBuilder();
        sb.AppendLine($"# ID-based CTR models on {report.Dataset}").AppendLine();
        sb.AppendLine("Made by:").AppendLine().AppendLine("```bash").AppendLine(report.Command).AppendLine("```").AppendLine();
        sb.AppendLine($"Run {report.CreatedUtc:yyyy-MM-dd HH:mm} UTC on a {report.ProcessorCount}-core CPU machine shared with other jobs (speeds are indicative), TorchSharp CPU, {report.Threads} torch threads.");
        if (first is not null)
        {
            sb.AppendLine($"{report.Events:N0} samples, chronological split: train {first.TrainSamples:N0} / validation {first.ValidationSamples:N0} (end of the train part) / test {first.TestSamples:N0} (latest 10%).");
            sb.AppendLine($"Vocabulary from the train part: {first.VocabularySize:N0} ids. Embedding 32, DNN [300, 300, 128], Adam lr {first.LearningRate.ToString(c)}, batch {first.BatchSize}, seed {first.Seed}; the epoch with the best validation AUC is kept (test is never used for selection).");
        }
        sb.AppendLine();
        sb.AppendLine("| model | test AUC | test logloss | val AUC | epochs run (best) | train samples/s | inference samples/s | parameters | size of v |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in report.Models)
            sb.AppendLine(string.Create(c, $"| {r.Model} | {r.TestAuc:F4} | {r.TestLogLoss:F4} | {r.ValidationAuc:F4} | {r.EpochsRun} ({r.BestEpoch}) | {r.TrainSamplesPerSecond:N0} | {r.InferenceSamplesPerSecond:N0} | {r.Parameters:N0} | {r.RepresentationSize} |"));
        return sb.ToString();
    }
}

/// <summary>The `bench id` report (JSON shape of id-&lt;dataset&gt;.json).</summary>
internal sealed record IdBenchReport(string Dataset, string Command, DateTime CreatedUtc, int ProcessorCount, int Threads, int Events, IReadOnlyList<IdRunSummary> Models);
