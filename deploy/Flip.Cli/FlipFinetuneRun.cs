using System.Diagnostics;
using Flip.Trainer.Alignment;
using Flip.Trainer.Evaluation;
using Spectre.Console;

namespace Flip.Cli;

/// <summary>What one finetuning run measured: the trainer's report, test metrics and speeds.</summary>
internal sealed record FlipFinetuneOutcome(FlipFinetuneReport Report, double TestAuc, double TestLogLoss, int TrainSamples, int TestSamples,
    double TrainSamplesPerSecond, double InferenceSamplesPerSecond);

/// <summary>One FLIP finetuning run as `flip finetune` and `bench flip` do it: train on the train pairs, score validation (for reporting) and test.</summary>
internal static class FlipFinetuneRun
{
    /// <param name="save">Called with the finetuned model before it is disposed (e.g. to write a checkpoint).</param>
    public static FlipFinetuneOutcome Run(LoadedFlipCheckpoint checkpoint, FlipRunData data, FlipFinetuningOptions options, IAnsiConsole err,
        Action<FlipFinetuneModel>? save = null)
    {
        using var model = new FlipFinetuneModel(checkpoint.Plm.Model, new CtrModelIdEncoder(checkpoint.Id.Model), options.Mode, options.Bf16);
        var finetuner = new FlipFinetuner(model, options);
        var report = finetuner.Train(data.Train, data.Validation, (epoch, step, loss) =>
        {
            if (step % 50 == 0) err.MarkupLine($"[grey]{options.Mode} epoch {epoch} step {step}: loss {loss:0.0000} a {model.Alpha:0.000}[/]");
        });
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
