namespace Flip.FeatureStore.Readers;

/// <summary>
/// Applies <see cref="ReaderOptions.SkipMalformed"/> to one bad row: throws <see cref="DatasetFormatException"/>,
/// or counts the skip in <see cref="ReaderStats"/> and keeps the first examples, so no row is dropped silently.
/// </summary>
internal sealed class MalformedRows(ReaderOptions options, ReaderStats stats)
{
    /// <summary>How many skipped rows are kept as examples in <see cref="ReaderStats.SkippedExamples"/>.</summary>
    public const int MaxExamples = 10;

    /// <summary>Throws, or records the skip when skipping is on (the caller then moves to the next row).</summary>
    public void Report(string file, long line, string problem) => Report(new DatasetFormatException(file, line, problem));

    /// <inheritdoc cref="Report(string, long, string)"/>
    public void Report(DatasetFormatException error)
    {
        if (!options.SkipMalformed) throw error;
        stats.SkippedMalformed++;
        if (stats.SkippedExamples.Count < MaxExamples) stats.SkippedExamples.Add(error.Message);
    }
}
