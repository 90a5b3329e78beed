using Flip.FeatureStore.Readers;
using Flip.FeatureStore.Schema;

namespace Flip.Ingest.Worker;

/// <summary>The schema of a built-in dataset by name, without opening its files.</summary>
public static class IngestSchemas
{
    public static DatasetSchema Resolve(string dataset) => dataset.ToLowerInvariant() switch
    {
        "movielens-1m" => MovieLens1MReader.Schema,
        "movielens-100k" => MovieLens100KReader.Schema,
        "bookcrossing" => BookCrossingSubsetReader.Schema,
        "bookcrossing-dump" => BookCrossingDumpReader.Schema,
        "goodreads" => GoodReadsReader.Schema,
        _ => throw new ArgumentException($"Unknown dataset '{dataset}' for Ingest:Dataset. Valid names: {string.Join(", ", DatasetCatalog.Names)}.", nameof(dataset)),
    };
}
