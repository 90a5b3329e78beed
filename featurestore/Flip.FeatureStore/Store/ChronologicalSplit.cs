using Flip.FeatureStore.Errors;

namespace Flip.FeatureStore.Store;

/// <summary>
/// The paper's protocol on time-ordered samples, the one split of the code base: the first <c>floor(total * (1 - test))</c>
/// samples are train + validation, the rest test; validation is the last <c>floor(trainAll * validation)</c> of them (the
/// END of the train part), so no future data leaks into training and the test part is never used for selection.
/// Every published figure in docs/results was made with this rounding.
/// </summary>
public sealed record ChronologicalSplit(int TrainCount, int ValidationCount, int TestCount)
{
    /// <summary>The paper's test share: the latest 10% of the samples.</summary>
    public const double PaperTestFraction = 0.1;

    /// <summary>The validation share of the train part used throughout (its latest 10%).</summary>
    public const double DefaultValidationFraction = 0.1;

    /// <summary>
    /// Counts for <paramref name="total"/> samples with the given test share and validation share of the train part.
    /// Throws <see cref="ArgumentOutOfRangeException"/> for a share outside (0, 1) (a caller's bug) and
    /// <see cref="UserInputException"/> when the samples are too few to give every part at least one.
    /// </summary>
    public static ChronologicalSplit Of(int total, double testFraction, double validationFraction)
    {
        if (testFraction is not (> 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(testFraction), $"Test share must be in (0, 1) (got {testFraction}).");
        if (validationFraction is not (> 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(validationFraction), $"Validation share must be in (0, 1) (got {validationFraction}).");
        int trainAll = (int)Math.Floor(total * (1 - testFraction));
        int validation = (int)Math.Floor(trainAll * validationFraction);
        int train = trainAll - validation;
        if (train < 1 || validation < 1 || total - trainAll < 1)
            throw new UserInputException($"{total} samples are too few to split into train, validation and test.");
        return new ChronologicalSplit(train, validation, total - trainAll);
    }

    /// <summary>The paper's split: test = latest 10%, validation = latest 10% of the rest.</summary>
    public static ChronologicalSplit Paper(int total) => Of(total, PaperTestFraction, DefaultValidationFraction);

    /// <summary>Train + validation: everything before the test part (what a vocabulary may be built from).</summary>
    public int TrainAllCount => TrainCount + ValidationCount;

    /// <summary>All samples the split is for.</summary>
    public int Total => TrainAllCount + TestCount;

    /// <summary>The three parts of <paramref name="items"/> (chronological, exactly <see cref="Total"/> of them), in order.</summary>
    public (IReadOnlyList<T> Train, IReadOnlyList<T> Validation, IReadOnlyList<T> Test) Apply<T>(IReadOnlyList<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count != Total) throw new ArgumentException($"The split is for {Total} samples, got {items.Count}.", nameof(items));
        return (Slice(items, 0, TrainCount), Slice(items, TrainCount, ValidationCount), Slice(items, TrainAllCount, TestCount));
    }

    private static IReadOnlyList<T> Slice<T>(IReadOnlyList<T> items, int start, int length) => items switch
    {
        T[] array => new ArraySegment<T>(array, start, length),
        List<T> list => list.GetRange(start, length),
        _ => items.Skip(start).Take(length).ToArray(),
    };
}
