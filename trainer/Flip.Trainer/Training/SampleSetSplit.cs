using Flip.FeatureStore.Store;

namespace Flip.Trainer.Training;

/// <summary>The one <see cref="ChronologicalSplit"/> applied to a <see cref="SampleSet"/> (slices share the arrays).</summary>
public static class SampleSetSplit
{
    /// <summary>Train, validation and test slices of <paramref name="samples"/> (exactly <see cref="ChronologicalSplit.Total"/> rows).</summary>
    public static (SampleSet Train, SampleSet Validation, SampleSet Test) Apply(this ChronologicalSplit split, SampleSet samples)
    {
        if (samples.Count != split.Total)
            throw new ArgumentException($"The split is for {split.Total} samples, got {samples.Count}.", nameof(samples));
        return (samples.Slice(0, split.TrainCount), samples.Slice(split.TrainCount, split.ValidationCount), samples.Slice(split.TrainAllCount, split.TestCount));
    }
}
