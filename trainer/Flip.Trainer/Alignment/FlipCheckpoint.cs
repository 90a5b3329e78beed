using System.Text.Json;
using Flip.FeatureStore.Schema;
using Flip.FeatureStore.Vocabulary;
using Flip.Trainer.Checkpoints;
using Flip.Trainer.IdModels;
using Flip.Trainer.Plm;
using Flip.Trainer.Safetensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Flip.Trainer.Alignment;

/// <summary>A FLIP checkpoint read back: the PLM (HF layout), the ID model with its vocabulary, the manifest.</summary>
public sealed record LoadedFlipCheckpoint(BertCheckpoint Plm, LoadedIdCheckpoint Id, FlipCheckpointManifest Manifest);

/// <summary>
/// A FLIP checkpoint folder: <c>plm/</c> (Hugging Face BERT layout, loadable by transformers), <c>id/</c> (an ID model
/// checkpoint with its feature vocabulary), <c>heads.safetensors</c> (pretraining heads, or the finetuning head and a)
/// and <c>flip.json</c>, written last so a folder without it is not a checkpoint.
/// </summary>
public static class FlipCheckpoint
{
    public const string ManifestFileName = "flip.json";
    public const string PlmFolder = "plm";
    public const string IdFolder = "id";
    public const string HeadsFile = "heads.safetensors";

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static void SavePretrained(string directory, FlipPretrainingModel model, BertVocabulary plmVocabulary, FeatureVocabulary vocabulary, FlipCheckpointManifest manifest)
    {
        var heads = model.state_dict().Where(kv => !kv.Key.StartsWith("plm.", StringComparison.Ordinal) && !kv.Key.StartsWith("id_model.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        Save(directory, model.Plm, plmVocabulary, model.IdModel, vocabulary, heads, manifest);
    }

    public static void SaveFinetuned(string directory, FlipFinetuneModel model, BertVocabulary plmVocabulary, FeatureVocabulary vocabulary, FlipCheckpointManifest manifest)
    {
        var heads = model.state_dict().Where(kv => kv.Key.StartsWith("plm_head.", StringComparison.Ordinal) || kv.Key == "alpha")
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        manifest.Stage = "finetuned";
        manifest.Mode = model.Mode.ToString();
        manifest.Alpha = model.Alpha;
        Save(directory, model.Plm, plmVocabulary, model.IdModel, vocabulary, heads, manifest);
    }

    static void Save(string directory, BertForMaskedLM plm, BertVocabulary plmVocabulary, IFlipIdEncoder id, FeatureVocabulary vocabulary,
        Dictionary<string, Tensor> heads, FlipCheckpointManifest manifest)
    {
        if (id is not CtrModelIdEncoder ctr) throw new ArgumentException("only ID-zoo models (CtrModelIdEncoder) can be checkpointed", nameof(id));
        Directory.CreateDirectory(directory);
        File.Delete(Path.Combine(directory, ManifestFileName));
        BertCheckpoint.Save(plm, plmVocabulary, Path.Combine(directory, PlmFolder));
        IdCheckpoint.Save(Path.Combine(directory, IdFolder), ctr.Model, vocabulary);
        SafetensorsFile.Save(Path.Combine(directory, HeadsFile), heads);
        manifest.CreatedUtc = DateTime.UtcNow;
        var path = Path.Combine(directory, ManifestFileName);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(manifest, Json));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    public static FlipCheckpointManifest ReadManifest(string directory)
    {
        var path = Path.Combine(directory, ManifestFileName);
        if (!File.Exists(path)) throw new FileNotFoundException($"{directory} is not a FLIP checkpoint (no {ManifestFileName}).", path);
        FlipCheckpointManifest? manifest;
        try { manifest = JsonSerializer.Deserialize<FlipCheckpointManifest>(File.ReadAllText(path)); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: corrupt FLIP manifest ({e.Message}).", e); }
        if (manifest is null || manifest.FormatVersion != FlipCheckpointManifest.CurrentFormatVersion)
            throw new InvalidDataException($"{path}: unsupported FLIP checkpoint format (expected version {FlipCheckpointManifest.CurrentFormatVersion}).");
        return manifest;
    }

    /// <summary>Loads the PLM and the ID model (with its own vocabulary) onto <paramref name="device"/>.</summary>
    public static LoadedFlipCheckpoint Load(string directory, DatasetSchema schema, Device? device = null)
    {
        var manifest = ReadManifest(directory);
        var plm = BertCheckpoint.Load(Path.Combine(directory, PlmFolder), device);
        try
        {
            var id = IdCheckpoint.Load(Path.Combine(directory, IdFolder), schema);
            if (device is not null) id.Model.to(device);
            return new LoadedFlipCheckpoint(plm, id, manifest);
        }
        catch
        {
            plm.Dispose();
            throw;
        }
    }

    /// <summary>Copies saved head tensors (pretraining heads or finetuning head and a) into <paramref name="module"/>; names must match.</summary>
    public static void LoadHeads(string directory, nn.Module module)
    {
        var saved = SafetensorsFile.Load(Path.Combine(directory, HeadsFile));
        var state = module.state_dict();
        using (no_grad())
            foreach (var (name, t) in saved)
            {
                if (!state.TryGetValue(name, out var target))
                    throw new InvalidDataException($"{directory}: head tensor '{name}' does not exist in the model");
                if (!t.shape.SequenceEqual(target.shape))
                    throw new InvalidDataException($"{directory}: head tensor '{name}' is [{string.Join(", ", t.shape)}] but the model expects [{string.Join(", ", target.shape)}]");
                target.copy_(t);
            }
    }
}
