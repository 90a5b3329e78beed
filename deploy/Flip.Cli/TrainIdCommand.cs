using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Flip.Trainer.Checkpoints;
using Flip.Trainer.IdModels;
using Flip.Trainer.Training;
using Spectre.Console;

namespace Flip.Cli;

/// <summary>`flip train id`: trains one ID-based CTR model and prints validation and test AUC / log loss.</summary>
internal static class TrainIdCommand
{
    public static Command Create()
    {
        var dataset = CliOptions.Dataset();
        var path = CliOptions.DatasetPath();
        var json = CliOptions.Json();
        var model = new Option<string>("--model", "-m")
        {
            Description = $"Model: {string.Join(", ", CtrModelFactory.Names)} (default dcnv2)",
            DefaultValueFactory = _ => "dcnv2",
        };
        var save = CliOptions.Out("Write a checkpoint (weights, vocabulary, options) into this folder");
        var training = new IdTrainingCliOptions();
        var cmd = new Command("id", "Train an ID-based CTR model (the FLIP paper's baselines) and evaluate it on the latest 10% of the data");
        cmd.Options.Add(dataset);
        cmd.Options.Add(path);
        cmd.Options.Add(model);
        training.AddTo(cmd);
        cmd.Options.Add(json);
        cmd.Options.Add(save);
        cmd.SetAction(parse => Run(parse, training, parse.GetValue(dataset)!, parse.GetValue(path)!, parse.GetValue(model)!,
            parse.GetValue(json), parse.GetValue(save)));
        return cmd;
    }

    private static int Run(ParseResult parse, IdTrainingCliOptions training, string dataset, DirectoryInfo path, string modelName, bool asJson, DirectoryInfo? save)
    {
        var console = CliConsole.Error();
        var options = training.Read(parse);
        CtrModelFactory.Create(modelName, 1, 2).Dispose(); // unknown names fail before the data is read
        var (schema, events) = console.Status().Start($"Reading {Markup.Escape(dataset)}...", _ => training.ReadEvents(parse, dataset, path.FullName));
        var result = IdRunConsole.Train(console, modelName, schema, events, options, showProgress: !asJson);
        using (result.Model)
        {
            if (save is not null) IdCheckpoint.Save(save.FullName, result.Model, result.Vocabulary, options);
            var summary = IdRunSummary.From(result, options);
            if (asJson) Console.WriteLine(JsonSerializer.Serialize(summary, CliOptions.Indented));
            else Print(summary, save);
        }
        return 0;
    }

    private static void Print(IdRunSummary s, DirectoryInfo? save)
    {
        var c = CultureInfo.InvariantCulture;
        var table = new Table().Title($"[bold]{Markup.Escape(s.Model)} on {Markup.Escape(s.Dataset)}[/]")
            .AddColumn("measure").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("train / validation / test samples", $"{s.TrainSamples:N0} / {s.ValidationSamples:N0} / {s.TestSamples:N0}");
        table.AddRow("vocabulary ids", s.VocabularySize.ToString("N0", c));
        table.AddRow("parameters", s.Parameters.ToString("N0", c));
        table.AddRow("representation size (v)", s.RepresentationSize.ToString(c));
        table.AddRow("epochs run (best)", $"{s.EpochsRun} ({s.BestEpoch})");
        table.AddRow("validation AUC / logloss", $"{s.ValidationAuc:F4} / {s.ValidationLogLoss:F4}");
        table.AddRow("[bold]test AUC / logloss[/]", $"[bold]{s.TestAuc:F4} / {s.TestLogLoss:F4}[/]");
        table.AddRow("train samples/s", s.TrainSamplesPerSecond.ToString("N0", c));
        table.AddRow("inference samples/s", s.InferenceSamplesPerSecond.ToString("N0", c));
        table.AddRow("train time", $"{s.TrainSeconds:F1} s");
        AnsiConsole.Write(table);
        var epochs = new Table().Title("epochs").AddColumn("epoch").AddColumn(new TableColumn("train loss").RightAligned())
            .AddColumn(new TableColumn("val AUC").RightAligned()).AddColumn(new TableColumn("val logloss").RightAligned()).AddColumn(new TableColumn("samples/s").RightAligned());
        foreach (var e in s.Epochs)
            epochs.AddRow(e.Epoch.ToString(c), e.TrainLoss.ToString("F4", c), e.ValidationAuc.ToString("F4", c), e.ValidationLogLoss.ToString("F4", c), e.TrainSamplesPerSecond.ToString("N0", c));
        AnsiConsole.Write(epochs);
        if (save is not null) AnsiConsole.MarkupLine($"checkpoint written to [green]{Markup.Escape(save.FullName)}[/]");
    }
}
