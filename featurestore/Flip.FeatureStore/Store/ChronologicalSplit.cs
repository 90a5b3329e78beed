namespace Flip.FeatureStore.Store;

/// <summary>
/// The paper's protocol on chronologically ordered samples: the first <c>floor(n * fraction)</c> train,
/// the rest test; a validation slice is carved from the end of train the same way, so no split ever
/// lets a model see the future of what it is scored on.
/// </summary>
public static class ChronologicalSplit
{
    /// <summary>The paper's train fraction (first 90% train, last 10% test).</summary>
    public const double PaperTrainFraction = 0.9;

    /// <summary>Splits into the first <c>floor(count * trainFraction)</c> items and the rest.</summary>
    /// <param name="chronologicalEvents">Items already in chronological order.</param>
    /// <param name="trainFraction">Strictly between 0 and 1.</param>
    public static (IReadOnlyList<T> Train, IReadOnlyList<T> Test) Split<T>(IReadOnlyList<T> chronologicalEvents, double trainFraction)
    {
        ArgumentNullException.ThrowIfNull(chronologicalEvents);
        int cut = Cut(chronologicalEvents.Count, trainFraction, nameof(trainFraction));
        return (Slice(chronologicalEvents, 0, cut), Slice(chronologicalEvents, cut, chronologicalEvents.Count - cut));
    }

    /// <summary>
    /// Carves validation from the END of train: the last <c>count - floor(count * (1 - validationFraction))</c>
    /// items (about <c>ceil(count * validationFraction)</c>) become validation, so a small positive fraction never
    /// yields an empty slice unless train is empty.
    /// </summary>
    /// <param name="chronologicalTrain">Train items in chronological order.</param>
    /// <param name="validationFraction">Share of train to hold out, strictly between 0 and 1.</param>
    public static (IReadOnlyList<T> Train, IReadOnlyList<T> Validation) ValidationFromEnd<T>(IReadOnlyList<T> chronologicalTrain, double validationFraction)
    {
        ArgumentNullException.ThrowIfNull(chronologicalTrain);
        int cut = Cut(chronologicalTrain.Count, 1.0 - validationFraction, nameof(validationFraction));
        return (Slice(chronologicalTrain, 0, cut), Slice(chronologicalTrain, cut, chronologicalTrain.Count - cut));
    }

    /// <summary>Number of leading items that go to the first part: <c>floor(count * fraction)</c>.</summary>
    public static int TrainCount(int count, double trainFraction) => Cut(count, trainFraction, nameof(trainFraction));

    private static int Cut(int count, double fraction, string parameter)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (double.IsNaN(fraction) || fraction <= 0 || fraction >= 1)
            throw new ArgumentOutOfRangeException(parameter, fraction, "A split fraction must be strictly between 0 and 1.");
        // The small epsilon keeps 0.9 * 10 at 9 despite binary rounding (8.999999...).
        return (int)Math.Floor(count * fraction + 1e-9);
    }

    private static IReadOnlyList<T> Slice<T>(IReadOnlyList<T> items, int start, int length) => items switch
    {
        T[] array => new ArraySegment<T>(array, start, length),
        List<T> list => list.GetRange(start, length),
        _ => items.Skip(start).Take(length).ToArray(),
    };
}
