namespace Flip.Trainer.Training;

/// <summary>One epoch of training: mean train loss, validation metrics, throughput.</summary>
public sealed record EpochSummary(int Epoch, double TrainLoss, EvaluationResult Validation, double TrainSamplesPerSecond, double Seconds);

/// <summary>Outcome of <see cref="IdModelTrainer.Train"/>: the kept (best-validation) epoch and the history.</summary>
public sealed record TrainingResult(int BestEpoch, EvaluationResult BestValidation, IReadOnlyList<EpochSummary> Epochs)
{
    public int EpochsRun => Epochs.Count;

    /// <summary>Training samples per second over all epochs (training steps only, validation excluded).</summary>
    public double TrainSamplesPerSecond => Epochs.Sum(e => e.Seconds) is var s && s > 0
        ? Epochs.Sum(e => e.TrainSamplesPerSecond * e.Seconds) / s
        : 0;
}

/// <summary>Where training is, for a progress display.</summary>
public sealed record TrainingProgress(int Epoch, int MaxEpochs, long SamplesDone, long SamplesPerEpoch, double? LastLoss);
