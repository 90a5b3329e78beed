using System.CommandLine;
using System.Text.Json;
using Flip.FeatureStore.Errors;
using Flip.Trainer.Alignment;
using Flip.Trainer.Experiments;
using Flip.Trainer.Evaluation;
using Spectre.Console;
using TorchSharp;

namespace Flip.Cli;

/// <summary>`flip finetune`: CTR finetuning from a FLIP pretraining checkpoint (FLIP, FLIP_ID or FLIP_PLM), evaluated on the test part.</summary>
internal static class FlipFinetuneCommand
{
    static readonly Dictionary<string, FlipFinetuneMode> Modes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["flip"] = FlipFinetuneMode.Flip,
        ["flip-id"] = FlipFinetuneMode.FlipId,
        ["flip-plm"] = FlipFinetuneMode.FlipPlm,
    };

    public static Command Create()
    {
        var from = new Option<DirectoryInfo>("--from")
        {
            Description = "FLIP checkpoint folder written by `flip pretrain`",
            Required = true,
        };
        var dataset = CliOptions.Dataset();
        var path = CliOptions.DatasetPath();
        var mode = new Option<string>("--mode")
        {
            Description = "flip (both models, learnable a), flip-id (ID model alone) or flip-plm (PLM alone) (default flip)",
            DefaultValueFactory = _ => "flip",
        };
        var epochs = FlipCommands.Epochs(1);
        var batch = FlipCommands.BatchSize();
        var lr = FlipCommands.LearningRate();
        var limit = CliOptions.Limit();
        var maxLength = PairCliOptions.MaxLength();
        var torch = new TorchCliOptions();
        var bf16 = FlipCommands.Bf16();
        var output = CliOptions.Out("Folder to write the finetuned checkpoint to");
        var json = CliOptions.Json();
        var cmd = new Command("finetune", "FLIP finetuning for CTR from a pretraining checkpoint; reports validation and test AUC / log loss and the learned a");
        foreach (var o in new Option[] { from, dataset, path, mode, epochs, batch, lr, limit, maxLength, bf16, output, json })
            cmd.Options.Add(o);
        torch.AddTo(cmd);
        cmd.SetAction(parse => Run(torch.Configure(parse), parse.GetValue(from)!.FullName, parse.GetValue(dataset)!, parse.GetValue(path)!.FullName, parse.GetValue(mode)!,
            parse.GetValue(epochs), parse.GetValue(batch), parse.GetValue(lr), parse.GetValue(limit), parse.GetValue(maxLength),
            parse.GetValue(bf16), parse.GetValue(output)?.FullName, parse.GetValue(json)));
        return cmd;
    }

    static int Run(TorchSettings torch, string from, string dataset, string path, string modeName, int epochs, int batchSize, double lr, int? limit, int maxLength,
        bool bf16, string? outDir, bool asJson)
    {
        var err = CliConsole.Error();
        if (!Modes.TryGetValue(modeName, out var mode))
            throw new UserInputException($"unknown --mode '{modeName}' (expected flip, flip-id or flip-plm)");
        var (schema, events) = DatasetEvents.Read(dataset, path, limit);
        var options = new FlipFinetuningOptions { Mode = mode, Epochs = epochs, BatchSize = batchSize, LearningRate = lr, Device = torch.Device, Bf16 = bf16 };
        var run = FlipRunConsole.Observer(err);
        var finetuned = FlipFinetuneRun.FromCheckpoint(from, schema, events, options, maxLength, outDir, run);
        var (report, testAuc, testLogLoss) = (finetuned.Outcome.Report, finetuned.Outcome.TestAuc, finetuned.Outcome.TestLogLoss);
        var manifest = finetuned.Pretrained;

        var result = new
        {
            mode = mode.ToString(), checkpoint = from, pretrainingAblation = manifest.Ablation, plmRandomlyInitialised = manifest.PlmRandomlyInitialised,
            epochs, report.Steps, seconds = Math.Round(report.Seconds, 2), epochLosses = report.EpochLosses, alpha = mode == FlipFinetuneMode.Flip ? report.Alpha : (double?)null,
            validationAuc = report.ValidationAuc, validationLogLoss = report.ValidationLogLoss, testAuc, testLogLoss,
        };
        if (asJson) Console.WriteLine(JsonSerializer.Serialize(result, CliOptions.Indented));
        else
        {
            AnsiConsole.MarkupLine($"{mode} finetuned for {epochs} epoch(s), {report.Steps} steps, {report.Seconds:0.0} s (pretraining: {Markup.Escape(manifest.Ablation)})");
            if (mode == FlipFinetuneMode.Flip) AnsiConsole.MarkupLine($"learned a (weight of the ID logit): [bold]{report.Alpha:0.0000}[/]");
            AnsiConsole.MarkupLine($"validation AUC {report.ValidationAuc:0.0000}, log loss {report.ValidationLogLoss:0.0000}");
            AnsiConsole.MarkupLine($"[bold]test AUC {testAuc:0.0000}, log loss {testLogLoss:0.0000}[/]");
        }
        return 0;
    }
}
