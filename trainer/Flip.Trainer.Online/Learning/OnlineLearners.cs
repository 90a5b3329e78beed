using Flip.FeatureStore.Readers;
using Flip.FeatureStore.Schema;
using Flip.Registry;
using Flip.Trainer.IdModels;

namespace Flip.Trainer.Online;

/// <summary>Creates the learner for <c>Trainer:Model</c>, fresh or from a resume snapshot, and resolves the store's schema.</summary>
public static class OnlineLearners
{
    /// <summary>The learner for the configured kind; <paramref name="stateDirectory"/> is a snapshot folder to resume from, or null.</summary>
    public static IOnlineLearner Create(TrainerOptions options, DatasetSchema schema, string? stateDirectory)
    {
        string kind = options.Model.ToLowerInvariant();
        if (ModelKinds.IsFlip(kind)) return new FlipOnlineLearner(options, schema, stateDirectory);
        if (!CtrModelFactory.Names.Contains(kind))
            throw new TrainerConfigurationException($"Unknown Trainer:Model '{options.Model}'. Known: {string.Join(", ", CtrModelFactory.Names)}, {ModelKinds.FlipId}, {ModelKinds.Flip}, {ModelKinds.FlipPlm}.");
        return new IdOnlineLearner(options, schema, stateDirectory);
    }

    /// <summary>The schema of a built-in dataset by name (what ingest wrote the store with).</summary>
    public static DatasetSchema ResolveSchema(string dataset) => dataset.ToLowerInvariant() switch
    {
        "movielens-1m" => MovieLens1MReader.Schema,
        "movielens-100k" => MovieLens100KReader.Schema,
        "bookcrossing" => BookCrossingSubsetReader.Schema,
        "bookcrossing-dump" => BookCrossingDumpReader.Schema,
        "goodreads" => GoodReadsReader.Schema,
        _ => throw new TrainerConfigurationException($"Unknown Trainer:Dataset '{dataset}'. Valid names: {string.Join(", ", DatasetCatalog.Names)}."),
    };
}
