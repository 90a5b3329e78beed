namespace Flip.Trainer.Training;

/// <summary>
/// The paper's protocol on time-ordered samples: the first (1 − test) share is train, the rest test; the validation
/// slice for early stopping and model selection is carved from the END of the train part, so no future data leaks
/// into training and the test set is never used for selection.
/// </summary>
public sealed record ChronologicalSplit(int TrainCount, int ValidationCount, int TestCount)
{
    /// <summary>Counts for <paramref name="total"/> samples with the given test share and validation share of the train part.</summary>
    public static ChronologicalSplit Of(int total, double testFraction, double validationFraction)
    {
        if (testFraction is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(testFraction), $"Test share must be in (0, 1) (got {testFraction}).");
        if (validationFraction is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(validationFraction), $"Validation share must be in (0, 1) (got {validationFraction}).");
        int trainAll = (int)Math.Floor(total * (1 - testFraction));
        int validation = (int)Math.Floor(trainAll * validationFraction);
        int train = trainAll - validation;
        if (train < 1 || validation < 1 || total - trainAll < 1)
            throw new ArgumentException($"{total} samples are too few to split into train, validation and test.", nameof(total));
        return new ChronologicalSplit(train, validation, total - trainAll);
    }

    /// <summary>Train + validation: everything before the test part (what a vocabulary may be built from).</summary>
    public int TrainAllCount => TrainCount + ValidationCount;

    public (SampleSet Train, SampleSet Validation, SampleSet Test) Apply(SampleSet samples)
    {
        if (samples.Count != TrainCount + ValidationCount + TestCount)
            throw new ArgumentException($"The split is for {TrainCount + ValidationCount + TestCount} samples, got {samples.Count}.", nameof(samples));
        return (samples.Slice(0, TrainCount), samples.Slice(TrainCount, ValidationCount), samples.Slice(TrainAllCount, TestCount));
    }
}
