using System.Diagnostics;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;
using Flip.Trainer.Alignment;
using Flip.Trainer.Evaluation;

namespace Flip.Trainer.Experiments;

/// <summary>What one finetuning run measured: the trainer's report, test metrics and speeds.</summary>
public sealed record FlipFinetuneOutcome(FlipFinetuneReport Report, double TestAuc, double TestLogLoss, int TrainSamples, int TestSamples,
    double TrainSamplesPerSecond, double InferenceSamplesPerSecond);

/// <summary>What `flip finetune` measured, and the manifest of the pretrained checkpoint it started from.</summary>
public sealed record FlipFinetuneResult(FlipFinetuneOutcome Outcome, FlipCheckpointManifest Pretrained);

/// <summary>Progress after one finetuning step: the mode, epoch, step, the step's loss and the current a.</summary>
public sealed record FlipFinetuneStep(FlipFinetuneMode Mode, int Epoch, int Step, double Loss, double Alpha);

/// <summary>One offline FLIP finetuning run (`flip finetune`, `bench flip`): train on the train pairs, score validation (reported) and test.</summary>
public static class FlipFinetuneRun
{
    /// <summary>
    /// `flip finetune`: loads the pretrained checkpoint in <paramref name="from"/>, splits <paramref name="events"/> as the paper does
    /// (encoding with the checkpoint's feature vocabulary), finetunes in <see cref="FlipFinetuningOptions.Mode"/>, scores test,
    /// and writes the finetuned checkpoint to <paramref name="saveTo"/> when given.
    /// </summary>
    public static FlipFinetuneResult FromCheckpoint(string from, DatasetSchema schema, IReadOnlyList<ClickEvent> events, FlipFinetuningOptions options,
        int maxLength, string? saveTo = null, FlipRunObserver? observer = null, CancellationToken cancellation = default)
    {
        var device = TrainingDevice.Resolve(options.Device);
        var checkpoint = FlipCheckpoint.Load(from, schema, device);
        using var plm = checkpoint.Plm;
        using var id = checkpoint.Id.Model;
        var manifest = checkpoint.Manifest;
        if (manifest.PlmRandomlyInitialised)
            observer?.Warning?.Invoke($"the checkpoint's PLM started from random weights ({manifest.PlmSource}).");
        var data = FlipData.Create(schema, events, checkpoint.Id.Vocabulary, plm.Vocabulary.Source, maxLength);
        observer?.Log?.Invoke($"{events.Count:N0} events: train {data.Train.Length:N0}, validation {data.Validation.Length:N0}, test {data.Test.Length:N0} pairs.");
        var outcome = Run(checkpoint, data, options, observer?.Finetuning, saveTo is null ? null : model =>
            FlipCheckpoint.SaveFinetuned(saveTo, model, plm.Vocabulary, checkpoint.Id.Vocabulary, new FlipCheckpointManifest
            {
                Dataset = schema.Name, Ablation = manifest.Ablation, PlmSource = manifest.PlmSource,
                PlmRandomlyInitialised = manifest.PlmRandomlyInitialised, Heads = manifest.Heads, TrainedSamples = data.Train.Length * (long)options.Epochs,
            }), cancellation);
        return new FlipFinetuneResult(outcome, manifest);
    }

    /// <param name="checkpoint">The pretrained weights; the PLM and ID model are trained in place (the caller disposes them).</param>
    /// <param name="save">Called with the finetuned model before it is disposed (e.g. to write a checkpoint).</param>
    public static FlipFinetuneOutcome Run(LoadedFlipCheckpoint checkpoint, FlipData data, FlipFinetuningOptions options,
        Action<FlipFinetuneStep>? progress = null, Action<FlipFinetuneModel>? save = null, CancellationToken cancellation = default)
    {
        using var model = new FlipFinetuneModel(checkpoint.Plm.Model, new CtrModelIdEncoder(checkpoint.Id.Model), options.Mode, options.Bf16);
        var finetuner = new FlipFinetuner(model, options);
        var report = finetuner.Train(data.Train, data.Validation,
            progress is null ? null : (epoch, step, loss) => progress(new FlipFinetuneStep(options.Mode, epoch, step, loss, model.Alpha)), cancellation);
        var clock = Stopwatch.StartNew();
        var p = finetuner.Predict(data.Test);
        var inferenceSeconds = clock.Elapsed.TotalSeconds;
        var labels = data.Test.Select(x => (float)x.Label).ToArray();
        save?.Invoke(model);
        // The trainer's time includes its one validation pass (a tenth of the train pairs, forward only).
        var trained = data.Train.Length * options.Epochs;
        return new FlipFinetuneOutcome(report, BinaryMetrics.RocAuc(p, labels), BinaryMetrics.LogLoss(p, labels), data.Train.Length, data.Test.Length,
            report.Seconds > 0 ? trained / report.Seconds : 0, inferenceSeconds > 0 ? data.Test.Length / inferenceSeconds : 0);
    }
}
