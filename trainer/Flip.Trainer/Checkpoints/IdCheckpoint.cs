using System.Text.Json;
using Flip.FeatureStore.Schema;
using Flip.FeatureStore.Vocabulary;
using Flip.Trainer.IdModels;
using Flip.Trainer.Training;

namespace Flip.Trainer.Checkpoints;

/// <summary>A checkpoint read back: the model with its weights, its vocabulary and the manifest.</summary>
public sealed record LoadedIdCheckpoint(CtrModel Model, FeatureVocabulary Vocabulary, IdCheckpointManifest Manifest);

/// <summary>
/// Saves and loads an ID model checkpoint folder: <c>checkpoint.json</c> (manifest with options and shapes),
/// the weights (<see cref="ModelWeightsFile"/>) and the vocabulary file. Loading refuses, with a message saying
/// what differs, a vocabulary whose version or size is not the one trained with, and weights of another shape.
/// </summary>
public static class IdCheckpoint
{
    public const string ManifestFileName = "checkpoint.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static IdCheckpointManifest Save(string directory, CtrModel model, FeatureVocabulary vocabulary, IdTrainingOptions? training = null)
    {
        CheckVocabulary(model, vocabulary, "The model to save");
        Directory.CreateDirectory(directory);
        var vocabularyPath = vocabulary.Save(directory);
        ModelWeightsFile.Save(model, Path.Combine(directory, ModelWeightsFile.FileName));
        var manifest = new IdCheckpointManifest
        {
            Model = model.ModelName,
            Dataset = vocabulary.Schema.Name,
            NumFeatures = model.NumFeatures,
            NumFields = model.NumFields,
            RepresentationSize = model.RepresentationSize,
            VocabularyVersion = vocabulary.Version,
            VocabularyCount = vocabulary.Count,
            ModelOptions = model.Options,
            Training = training,
            Shapes = ShapesOf(model),
            VocabularyFile = Path.GetFileName(vocabularyPath),
            CreatedUtc = DateTime.UtcNow,
        };
        // The manifest goes last and atomically: a folder without it is not a checkpoint.
        var path = Path.Combine(directory, ManifestFileName);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(manifest, Json));
        File.Move(path + ".tmp", path, overwrite: true);
        return manifest;
    }

    /// <summary>Reads the manifest of a checkpoint folder.</summary>
    public static IdCheckpointManifest ReadManifest(string directory)
    {
        var path = Path.Combine(directory, ManifestFileName);
        if (!File.Exists(path)) throw new FileNotFoundException($"{directory} is not an ID model checkpoint (no {ManifestFileName}).", path);
        IdCheckpointManifest? manifest;
        try { manifest = JsonSerializer.Deserialize<IdCheckpointManifest>(File.ReadAllText(path)); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: corrupt checkpoint manifest ({e.Message}).", e); }
        if (manifest is null) throw new InvalidDataException($"{path}: empty checkpoint manifest.");
        if (manifest.FormatVersion != IdCheckpointManifest.CurrentFormatVersion)
            throw new InvalidDataException($"{path}: checkpoint format {manifest.FormatVersion} is not supported (expected {IdCheckpointManifest.CurrentFormatVersion}).");
        return manifest;
    }

    /// <summary>Loads model, weights and the checkpoint's own vocabulary.</summary>
    public static LoadedIdCheckpoint Load(string directory, DatasetSchema schema)
    {
        var manifest = ReadManifest(directory);
        var vocabulary = FeatureVocabulary.Load(Path.Combine(directory, manifest.VocabularyFile), schema);
        return Load(directory, vocabulary, manifest);
    }

    /// <summary>
    /// Loads the model for use with <paramref name="vocabulary"/> (e.g. the feature store's current one); refuses when it
    /// is not the vocabulary the weights were trained with.
    /// </summary>
    public static LoadedIdCheckpoint Load(string directory, FeatureVocabulary vocabulary) => Load(directory, vocabulary, ReadManifest(directory));

    private static LoadedIdCheckpoint Load(string directory, FeatureVocabulary vocabulary, IdCheckpointManifest manifest)
    {
        if (vocabulary.Version != manifest.VocabularyVersion || vocabulary.Count != manifest.VocabularyCount)
            throw new InvalidDataException(
                $"{directory}: the checkpoint was trained with vocabulary version {manifest.VocabularyVersion} ({manifest.VocabularyCount} ids) " +
                $"but the vocabulary given is version {vocabulary.Version} ({vocabulary.Count} ids); retrain or load the matching vocabulary.");
        if (vocabulary.Schema.FieldCount != manifest.NumFields)
            throw new InvalidDataException($"{directory}: the checkpoint has {manifest.NumFields} fields but schema '{vocabulary.Schema.Name}' has {vocabulary.Schema.FieldCount}.");
        var model = CtrModelFactory.Create(manifest.Model, manifest.NumFeatures, manifest.NumFields, manifest.ModelOptions);
        try
        {
            LoadWeights(directory, model, manifest);
            model.eval();
            return new LoadedIdCheckpoint(model, vocabulary, manifest);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Loads the checkpoint's weights into an existing model, refusing when names or shapes differ.</summary>
    public static void LoadWeights(string directory, CtrModel model) => LoadWeights(directory, model, ReadManifest(directory));

    private static void LoadWeights(string directory, CtrModel model, IdCheckpointManifest manifest)
    {
        if (!string.Equals(model.ModelName, manifest.Model, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"{directory}: holds a '{manifest.Model}' model, not '{model.ModelName}'.");
        var actual = ShapesOf(model);
        foreach (var (name, shape) in manifest.Shapes)
        {
            if (!actual.TryGetValue(name, out var have))
                throw new InvalidDataException($"{directory}: the checkpoint has tensor '{name}' which the model lacks (different model options?).");
            if (!have.SequenceEqual(shape))
                throw new InvalidDataException($"{directory}: tensor '{name}' is [{string.Join(", ", shape)}] in the checkpoint but [{string.Join(", ", have)}] in the model.");
        }
        var missing = actual.Keys.Except(manifest.Shapes.Keys).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"{directory}: the model has tensors the checkpoint lacks: {string.Join(", ", missing)}.");
        ModelWeightsFile.Load(model, Path.Combine(directory, manifest.WeightsFile));
    }

    private static void CheckVocabulary(CtrModel model, FeatureVocabulary vocabulary, string what)
    {
        if (vocabulary.Count != model.NumFeatures)
            throw new ArgumentException($"{what} has {model.NumFeatures} embedding rows but the vocabulary holds {vocabulary.Count} ids.");
        if (vocabulary.Schema.FieldCount != model.NumFields)
            throw new ArgumentException($"{what} has {model.NumFields} fields but the vocabulary's schema has {vocabulary.Schema.FieldCount}.");
    }

    private static Dictionary<string, long[]> ShapesOf(CtrModel model) =>
        model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
}
