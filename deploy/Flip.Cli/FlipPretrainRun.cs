using Flip.Trainer.Alignment;
using Flip.Trainer.IdModels;
using Flip.Trainer.Plm;
using Spectre.Console;
using TorchSharp;

namespace Flip.Cli;

/// <summary>One FLIP pretraining run as `flip pretrain` and `bench flip` do it: a fresh ID model, the heads, training on the train pairs, the checkpoint saved.</summary>
internal static class FlipPretrainRun
{
    public static FlipPretrainingReport TrainAndSave(BertCheckpoint plm, FlipRunData data, string idModel, FlipPretrainingOptions options,
        string outDir, torch.Device device, IAnsiConsole err)
    {
        var schema = data.Schema;
        var id = CtrModelFactory.Create(idModel, data.Vocabulary.Count, schema.FieldCount);
        id.to(device);
        using var model = new FlipPretrainingModel(plm.Model, new CtrModelIdEncoder(id), schema.FieldCount, data.Vocabulary.Count,
            FlipObjectives.For(options.Ablation), options.Heads, options.Bf16);
        var noise = FeatureNoiseDistribution.FromVocabulary(data.Vocabulary);
        var pretrainer = new FlipPretrainer(model, noise, plm.Vocabulary.MaskId, options);
        var every = Math.Max(1, data.Train.Length / options.BatchSize / 20);
        var report = pretrainer.Train(data.Train, p =>
        {
            if (p.Step % every == 0 || p.Step == p.TotalSteps)
                err.MarkupLine($"[grey]epoch {p.Epoch} step {p.Step}/{p.TotalSteps}: loss {p.Loss:0.0000} (MLM {Fmt(p.Mlm)}, MTM {Fmt(p.Mtm)}, ICL {Fmt(p.Icl)}) lr {p.LearningRate:0.##E+0}[/]");
        });
        FlipCheckpoint.SavePretrained(outDir, model, plm.Vocabulary, data.Vocabulary, new FlipCheckpointManifest
        {
            Dataset = schema.Name, Ablation = options.Ablation.ToString(), PlmSource = plm.Source, PlmRandomlyInitialised = plm.IsRandomlyInitialised,
            Heads = options.Heads, TrainedSamples = report.Samples,
        });
        return report;
    }

    public static string Fmt(double? v) => v is { } x ? x.ToString("0.0000") : "off";
}
