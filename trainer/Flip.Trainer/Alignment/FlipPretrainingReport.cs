namespace Flip.Trainer.Alignment;

/// <summary>Mean losses of one epoch (null for a loss the ablation turned off).</summary>
public sealed record FlipEpochLosses(int Epoch, double Total, double? Mlm, double? Mtm, double? Icl);

/// <summary>
/// What a pretraining run did and how fast. <see cref="Steps"/> counts every step; <see cref="Samples"/>,
/// <see cref="Seconds"/> and <see cref="PhaseTimes"/> only the timed ones (after the options' warm-up steps).
/// </summary>
public sealed record FlipPretrainingReport(
    FlipAblation Ablation,
    string Device,
    bool Bf16,
    int Steps,
    long Samples,
    double Seconds,
    IReadOnlyList<FlipEpochLosses> Epochs,
    IReadOnlyDictionary<FlipStepPhase, TimeSpan> PhaseTimes)
{
    public double SamplesPerSecond => Seconds > 0 ? Samples / Seconds : 0;
}

/// <summary>Progress after one step.</summary>
public sealed record FlipStepProgress(int Epoch, int Step, int TotalSteps, double Loss, double? Mlm, double? Mtm, double? Icl, double LearningRate);
