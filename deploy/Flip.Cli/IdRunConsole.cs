using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;
using Flip.Trainer.Training;
using Spectre.Console;

namespace Flip.Cli;

/// <summary>Console plumbing shared by `train id`, `bench id` and the demo: a progress bar over an ID model run.</summary>
internal static class IdRunConsole
{
    /// <summary>Runs one experiment, showing a progress bar per epoch unless <paramref name="showProgress"/> is false.</summary>
    public static IdExperimentResult Train(IAnsiConsole console, string model, DatasetSchema schema, IReadOnlyList<ClickEvent> events,
        IdTrainingOptions options, bool showProgress)
    {
        if (!showProgress) return IdExperiment.Run(model, schema, events, options);
        return Show(console, model, progress => IdExperiment.Run(model, schema, events, options, progress: progress));
    }

    /// <summary>Runs <paramref name="run"/> (an ID experiment given a progress callback) under a progress bar per epoch.</summary>
    public static IdExperimentResult Show(IAnsiConsole console, string model, Func<Action<TrainingProgress>, IdExperimentResult> run)
    {
        return console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                ProgressTask? task = null;
                int epoch = 0;
                return run(p =>
                {
                    if (p.Epoch != epoch)
                    {
                        task?.StopTask();
                        epoch = p.Epoch;
                        task = ctx.AddTask($"{Markup.Escape(model)} epoch {p.Epoch}/{p.MaxEpochs}", maxValue: p.SamplesPerEpoch);
                    }
                    task!.Value = p.SamplesDone;
                    if (p.LastLoss is double loss) task.Description = $"{Markup.Escape(model)} epoch {p.Epoch}/{p.MaxEpochs} loss {loss:F4}";
                });
            });
    }
}
