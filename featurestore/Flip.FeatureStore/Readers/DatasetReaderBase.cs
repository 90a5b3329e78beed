using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;

namespace Flip.FeatureStore.Readers;

/// <summary>
/// What every reader shares: folder and file checks at construction (so a missing file is reported before any
/// reading), stats reset per read, the malformed-row policy, and the final stable chronological sort.
/// <see cref="ReadEvents"/> reads the whole dataset before returning, so format errors surface at the call.
/// </summary>
public abstract class DatasetReaderBase : IDatasetReader
{
    private protected DatasetReaderBase(string folder, ReaderOptions? options)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Dataset folder not found: {folder}");
        Folder = folder;
        Options = options ?? new ReaderOptions();
    }

    /// <summary>Folder holding the dataset's files.</summary>
    public string Folder { get; }

    /// <summary>Options given at construction.</summary>
    public ReaderOptions Options { get; }

    /// <inheritdoc/>
    public ReaderStats Stats { get; } = new();

    DatasetSchema IDatasetReader.Schema => DescribedSchema;

    /// <summary>The schema of the events this reader yields.</summary>
    private protected abstract DatasetSchema DescribedSchema { get; }

    /// <inheritdoc/>
    public IEnumerable<ClickEvent> ReadEvents()
    {
        Stats.RowsRead = 0;
        Stats.DroppedByLabelRule = 0;
        Stats.SkippedMalformed = 0;
        Stats.DroppedByFilter = 0;
        Stats.FilledMissingJoin = 0;
        Stats.SkippedExamples.Clear();
        var events = new List<ClickEvent>();
        ReadAll(events, new MalformedRows(Options, Stats));
        ChronologicalOrder.SortStable(events);
        return events;
    }

    /// <summary>Reads every row in file order into <paramref name="events"/>, reporting bad rows to <paramref name="malformed"/>.</summary>
    private protected abstract void ReadAll(List<ClickEvent> events, MalformedRows malformed);

    /// <summary>Path of a required file in <see cref="Folder"/>; throws <see cref="FileNotFoundException"/> naming it when absent.</summary>
    private protected string RequireFile(string name)
    {
        string path = Path.Combine(Folder, name);
        if (!File.Exists(path)) throw new FileNotFoundException($"Dataset file not found: {path}", path);
        return path;
    }
}
