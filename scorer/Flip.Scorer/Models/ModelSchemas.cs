using Flip.FeatureStore.Readers;
using Flip.FeatureStore.Schema;
using Flip.FeatureStore.Store;

namespace Flip.Scorer.Models;

/// <summary>
/// The schema a published version reads: <c>schema.json</c> in the version folder when present (the feature store's own
/// <see cref="StoreSchemaFile"/>, copied there by the trainer), else the built-in dataset named by the manifest's <c>dataset</c>.
/// </summary>
public static class ModelSchemas
{
    public const string SchemaFileName = "schema.json";

    /// <summary>Resolves the schema; throws <see cref="IncompatibleModelException"/> when neither source gives a usable one.</summary>
    public static DatasetSchema Resolve(string versionDirectory, string version, string dataset)
    {
        var path = Path.Combine(versionDirectory, SchemaFileName);
        if (File.Exists(path))
        {
            try { return StoreSchemaFile.Read(path); }
            catch (StoreFormatException e) { throw new IncompatibleModelException(version, e.Message); }
        }
        return BuiltIn(dataset) ?? throw new IncompatibleModelException(version,
            $"no {SchemaFileName} in the version folder and dataset '{dataset}' is not a built-in one ({string.Join(", ", DatasetCatalog.Names)})");
    }

    /// <summary>The schema of a built-in dataset by name, or null.</summary>
    public static DatasetSchema? BuiltIn(string dataset) => dataset.ToLowerInvariant() switch
    {
        "movielens-1m" => MovieLens1MReader.Schema,
        "movielens-100k" => MovieLens100KReader.Schema,
        "bookcrossing" => BookCrossingSubsetReader.Schema,
        "bookcrossing-dump" => BookCrossingDumpReader.Schema,
        "goodreads" => GoodReadsReader.Schema,
        _ => null,
    };
}
