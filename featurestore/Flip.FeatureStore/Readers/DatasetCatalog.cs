namespace Flip.FeatureStore.Readers;

/// <summary>Opens a reader by dataset name, or by a schema file for the generic reader.</summary>
public static class DatasetCatalog
{
    private static readonly Dictionary<string, Func<string, ReaderOptions?, IDatasetReader>> Readers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["movielens-1m"] = (path, o) => new MovieLens1MReader(path, o),
        ["movielens-100k"] = (path, o) => new MovieLens100KReader(path, o),
        ["bookcrossing"] = (path, o) => new BookCrossingSubsetReader(path, o),
        ["bookcrossing-dump"] = (path, o) => new BookCrossingDumpReader(path, o),
        ["goodreads"] = (path, o) => new GoodReadsReader(path, o),
    };

    /// <summary>Built-in dataset names, in a fixed order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["movielens-1m", "movielens-100k", "bookcrossing", "bookcrossing-dump", "goodreads"];

    /// <summary>
    /// A reader for <paramref name="dataset"/> over the files in <paramref name="path"/>. A dataset ending in ".json" is a
    /// schema file for <see cref="SchemaFileReader"/>. Throws <see cref="ArgumentException"/> for an unknown name (listing
    /// the valid ones), <see cref="DirectoryNotFoundException"/>/<see cref="FileNotFoundException"/> naming what is missing,
    /// and <see cref="InvalidDataException"/> for a bad schema file.
    /// </summary>
    public static IDatasetReader Open(string dataset, string path, ReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(path);
        if (dataset.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) return new SchemaFileReader(dataset, path, options);
        if (Readers.TryGetValue(dataset, out var open)) return open(path, options);
        throw new ArgumentException(
            $"Unknown dataset '{dataset}'. Valid names: {string.Join(", ", Names)}, or a schema file ending in .json.", nameof(dataset));
    }
}
