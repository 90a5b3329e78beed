using Flip.FeatureStore.Errors;
using Flip.FeatureStore.Schema;

namespace Flip.FeatureStore.Readers;

/// <summary>
/// The one list of datasets: every built-in name with its schema and reader, plus schema files (a dataset argument
/// ending in <c>.json</c>, see docs/schema-file.md). The CLI's dataset option, the ingest worker (<c>Ingest:Dataset</c>)
/// and the trainers all resolve datasets here, so a dataset added here is known everywhere.
/// </summary>
public static class DatasetCatalog
{
    private sealed record Entry(DatasetSchema Schema, Func<string, ReaderOptions?, IDatasetReader> Open);

    private static readonly Dictionary<string, Entry> Entries = new(StringComparer.OrdinalIgnoreCase)
    {
        ["movielens-1m"] = new(MovieLens1MReader.Schema, (path, o) => new MovieLens1MReader(path, o)),
        ["movielens-100k"] = new(MovieLens100KReader.Schema, (path, o) => new MovieLens100KReader(path, o)),
        ["bookcrossing"] = new(BookCrossingSubsetReader.Schema, (path, o) => new BookCrossingSubsetReader(path, o)),
        ["bookcrossing-dump"] = new(BookCrossingDumpReader.Schema, (path, o) => new BookCrossingDumpReader(path, o)),
        ["goodreads"] = new(GoodReadsReader.Schema, (path, o) => new GoodReadsReader(path, o)),
    };

    /// <summary>Built-in dataset names, in a fixed order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["movielens-1m", "movielens-100k", "bookcrossing", "bookcrossing-dump", "goodreads"];

    /// <summary>One line for help texts: the built-in names and the schema-file form.</summary>
    public static string Description => $"{string.Join(", ", Names)}, or a schema file (.json) for the generic reader";

    /// <summary>True for a dataset argument that names a schema file rather than a built-in dataset.</summary>
    public static bool IsSchemaFile(string dataset) => dataset.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The schema of <paramref name="dataset"/> without reading its data: a built-in's fixed schema, or the fields and
    /// label rule a schema file declares. Throws <see cref="UserInputException"/> for an unknown name (listing the valid
    /// ones), <see cref="FileNotFoundException"/> for a missing schema file and <see cref="InvalidDataException"/> for a
    /// bad one.
    /// </summary>
    public static DatasetSchema Schema(string dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (IsSchemaFile(dataset)) return SchemaFile.Load(dataset).ToSchema();
        if (Entries.TryGetValue(dataset, out var entry)) return entry.Schema;
        throw UnknownDataset(dataset);
    }

    /// <summary>
    /// A reader for <paramref name="dataset"/> over the files in <paramref name="path"/>. A dataset ending in ".json" is a
    /// schema file for <see cref="SchemaFileReader"/>. Throws <see cref="UserInputException"/> for an unknown name (listing
    /// the valid ones), <see cref="DirectoryNotFoundException"/>/<see cref="FileNotFoundException"/> naming what is missing,
    /// and <see cref="InvalidDataException"/> for a bad schema file.
    /// </summary>
    public static IDatasetReader Open(string dataset, string path, ReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(path);
        if (IsSchemaFile(dataset)) return new SchemaFileReader(dataset, path, options);
        if (Entries.TryGetValue(dataset, out var entry)) return entry.Open(path, options);
        throw UnknownDataset(dataset);
    }

    private static UserInputException UnknownDataset(string dataset) =>
        new($"Unknown dataset '{dataset}'. Valid names: {string.Join(", ", Names)}, or a schema file ending in .json.");
}
