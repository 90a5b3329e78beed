using Flip.FeatureStore.Errors;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;

namespace Flip.FeatureStore.Readers;

/// <summary>Options shared by all dataset readers.</summary>
public sealed class ReaderOptions
{
    /// <summary>When true, malformed rows are skipped and counted in <see cref="ReaderStats.SkippedMalformed"/>; when false (default) the first one throws <see cref="DatasetFormatException"/>.</summary>
    public bool SkipMalformed { get; set; }
}

/// <summary>What a reader did with the rows it saw (filled while enumerating).</summary>
public sealed class ReaderStats
{
    public long RowsRead { get; set; }
    public long DroppedByLabelRule { get; set; }
    public long SkippedMalformed { get; set; }
    /// <summary>Rows left out by a documented dataset rule other than the label rule (e.g. Book-Crossing's implicit 0 ratings).</summary>
    public long DroppedByFilter { get; set; }
    /// <summary>Rows kept although a side-table row (user, item) was missing; their side fields read "unknown".</summary>
    public long FilledMissingJoin { get; set; }
    /// <summary>First few skipped rows as "file:line: reason", so a skip is never silent.</summary>
    public List<string> SkippedExamples { get; } = new();
}

/// <summary>A malformed row in a dataset file: names the file and 1-based line.</summary>
public sealed class DatasetFormatException(string file, long line, string problem)
    : UserInputException($"{file}:{line}: {problem}")
{
    public string File { get; } = file;
    public long Line { get; } = line;
    public string Problem { get; } = problem;
}

/// <summary>Reads a dataset from its original files and yields <see cref="ClickEvent"/>s in chronological order (stable for ties).</summary>
public interface IDatasetReader
{
    DatasetSchema Schema { get; }
    ReaderStats Stats { get; }
    IEnumerable<ClickEvent> ReadEvents();
}
