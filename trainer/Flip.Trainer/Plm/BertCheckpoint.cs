using TorchSharp;
using System.Text.Json.Nodes;
using Flip.Trainer.Safetensors;
using static TorchSharp.torch;

namespace Flip.Trainer.Plm;

/// <summary>
/// A BERT checkpoint folder in Hugging Face layout: <c>config.json</c>, <c>vocab.txt</c>, <c>model.safetensors</c>
/// (or a sharded <c>model.safetensors.index.json</c>). Loads BertForMaskedLM, BertForPreTraining and bare BertModel
/// checkpoints, with legacy LayerNorm gamma/beta names.
/// </summary>
public sealed class BertCheckpoint : IDisposable
{
    public const string ConfigFile = "config.json";
    public const string VocabFile = "vocab.txt";
    public const string WeightsFile = "model.safetensors";
    public const string ShardIndexFile = "model.safetensors.index.json";

    // Parts a BertModel-only or BertForMaskedLM-only checkpoint legitimately lacks: FLIP does not need them, so a
    // missing one is left randomly initialised with a warning instead of failing the load.
    static readonly string[] OptionalPrefixes = ["bert.pooler.", "cls."];

    BertCheckpoint(BertConfig config, BertVocabulary vocabulary, BertForMaskedLM model, IReadOnlyList<string> warnings, string source, bool randomlyInitialised)
    {
        Config = config;
        Vocabulary = vocabulary;
        Model = model;
        Warnings = warnings;
        Source = source;
        IsRandomlyInitialised = randomlyInitialised;
    }

    public BertConfig Config { get; }
    public BertVocabulary Vocabulary { get; }
    public BertForMaskedLM Model { get; }
    /// <summary>Non-fatal findings of the load (unexpected tensors, optional parts left random, vocab size gaps).</summary>
    public IReadOnlyList<string> Warnings { get; }
    /// <summary>The folder loaded, or a description of the random initialisation.</summary>
    public string Source { get; }
    /// <summary>True when no pretrained weights were loaded (results are then NOT a pretrained-PLM result).</summary>
    public bool IsRandomlyInitialised { get; }

    /// <summary>
    /// Loads a checkpoint folder onto <paramref name="device"/> (CPU when null). With <paramref name="layers"/> = K only
    /// the first K encoder layers are kept (a cheaper PLM); <see cref="Source"/> and the config say so.
    /// </summary>
    public static BertCheckpoint Load(string directory, Device? device = null, int? layers = null)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"PLM checkpoint folder not found: {directory}");
        var config = BertConfig.Load(Path.Combine(directory, ConfigFile));
        var fullDepth = config.NumHiddenLayers;
        if (layers is { } k)
        {
            if (k < 1 || k > fullDepth) throw new ArgumentException($"--plm-layers must be between 1 and the checkpoint's {fullDepth} layers (got {k})");
            config = config with { NumHiddenLayers = k };
        }
        var vocabulary = BertVocabulary.Load(Path.Combine(directory, VocabFile));
        var warnings = new List<string>();
        if (vocabulary.Count > config.VocabSize)
            throw new InvalidDataException($"{directory}: vocab.txt has {vocabulary.Count} tokens but config.json vocab_size is {config.VocabSize}");
        if (vocabulary.Count < config.VocabSize)
            warnings.Add($"vocab.txt has {vocabulary.Count} tokens, config.json vocab_size {config.VocabSize}: the last {config.VocabSize - vocabulary.Count} embedding rows are unused");

        var tensors = LoadTensors(directory);
        foreach (var dropped in tensors.Keys.Where(key => LayerIndex(key) >= config.NumHiddenLayers).ToList())
        {
            tensors[dropped].Dispose();
            tensors.Remove(dropped);
        }
        var model = new BertForMaskedLM(config);
        try
        {
            warnings.AddRange(LoadWeights(model, tensors, directory));
        }
        catch
        {
            model.Dispose();
            throw;
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
        if (device is not null) model.to(device);
        var source = Path.GetFullPath(directory) + (config.NumHiddenLayers < fullDepth ? $" (first {config.NumHiddenLayers} of {fullDepth} layers)" : "");
        return new BertCheckpoint(config, vocabulary, model, warnings, source, randomlyInitialised: false);
    }

    /// <summary>N of a tensor under <c>encoder.layer.N.</c>, else -1.</summary>
    static int LayerIndex(string key)
    {
        const string marker = "encoder.layer.";
        var at = key.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0) return -1;
        var start = at + marker.Length;
        var end = key.IndexOf('.', start);
        return end > start && int.TryParse(key.AsSpan(start, end - start), out var n) ? n : -1;
    }

    /// <summary>A randomly initialised model (no pretrained knowledge); the warning says so loudly.</summary>
    public static BertCheckpoint CreateRandom(BertConfig config, BertVocabulary vocabulary, Device? device = null)
    {
        if (vocabulary.Count > config.VocabSize) config = config with { VocabSize = vocabulary.Count };
        var model = new BertForMaskedLM(config);
        if (device is not null) model.to(device);
        var description = $"RANDOMLY INITIALISED BERT ({config.NumHiddenLayers} layers, hidden {config.HiddenSize}, {config.NumAttentionHeads} heads, " +
                          $"FFN {config.IntermediateSize}, vocab {vocabulary.Source}): no pretrained PLM weights were loaded";
        return new BertCheckpoint(config, vocabulary, model, [description + ". Pass a Hugging Face checkpoint folder (config.json, vocab.txt, model.safetensors) for real results."],
            description, randomlyInitialised: true);
    }

    /// <summary>The default when no checkpoint is given: TinyBERT's shape with random weights and the bert-base-uncased vocabulary.</summary>
    public static BertCheckpoint CreateDefault(string vocabPath, Device? device = null, BertConfig? shape = null) =>
        CreateRandom(shape ?? BertConfig.TinyBert, BertVocabulary.Load(vocabPath), device);

    /// <summary>Writes config.json, vocab.txt and model.safetensors (Hugging Face names, stored dtype) into <paramref name="directory"/>.</summary>
    public void Save(string directory) => Save(Model, Vocabulary, directory);

    public static void Save(BertForMaskedLM model, BertVocabulary vocabulary, string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, ConfigFile), model.Config.ToJson());
        vocabulary.Save(Path.Combine(directory, VocabFile));
        var state = model.state_dict();
        SafetensorsFile.Save(Path.Combine(directory, WeightsFile), state, new Dictionary<string, string> { ["format"] = "pt" });
    }

    static Dictionary<string, Tensor> LoadTensors(string directory)
    {
        var single = Path.Combine(directory, WeightsFile);
        if (File.Exists(single)) return SafetensorsFile.Load(single);
        var index = Path.Combine(directory, ShardIndexFile);
        if (File.Exists(index))
        {
            var weightMap = JsonNode.Parse(File.ReadAllText(index))?["weight_map"] as JsonObject
                ?? throw new InvalidDataException($"{index}: no weight_map");
            var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var shard in weightMap.Select(kv => kv.Value!.GetValue<string>()).Distinct())
                foreach (var (name, t) in SafetensorsFile.Load(Path.Combine(directory, shard))) result[name] = t;
            return result;
        }
        foreach (var pickle in new[] { "pytorch_model.bin", "model.pt", "model.bin" })
            if (File.Exists(Path.Combine(directory, pickle)))
                SafetensorsFile.Load(Path.Combine(directory, pickle)); // throws the "convert to safetensors" refusal
        throw new FileNotFoundException($"{directory}: no {WeightsFile} (or {ShardIndexFile}) in the PLM checkpoint folder", single);
    }

    /// <summary>
    /// Copies checkpoint tensors into <paramref name="model"/> after mapping names to Hugging Face BertForMaskedLM
    /// names. Throws naming the first missing or mis-shaped tensor; returns warnings (unexpected tensors, optional parts left random).
    /// </summary>
    public static IReadOnlyList<string> LoadWeights(BertForMaskedLM model, IReadOnlyDictionary<string, Tensor> checkpoint, string source)
    {
        var warnings = new List<string>();
        var mapped = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var unexpected = new List<string>();
        var hasOwnBias = checkpoint.Keys.Any(k => k == "cls.predictions.bias");
        foreach (var (key, tensor) in checkpoint)
        {
            var name = BertParameterNames.ToCanonical(key);
            if (name is null) continue; // tied decoder weight / position_ids buffer: nothing to load
            if (name == BertParameterNames.DecoderBias)
            {
                if (hasOwnBias) continue;
                name = "cls.predictions.bias";
            }
            if (!mapped.TryAdd(name, tensor)) unexpected.Add($"{key} (duplicate of {name})");
        }

        var state = model.state_dict();
        var missing = new List<string>();
        var optionalMissing = new List<string>();
        using (no_grad())
        {
            foreach (var (name, target) in state)
            {
                if (!mapped.Remove(name, out var source1))
                {
                    (OptionalPrefixes.Any(name.StartsWith) ? optionalMissing : missing).Add(name);
                    continue;
                }
                if (!source1.shape.SequenceEqual(target.shape))
                    throw new InvalidDataException(
                        $"{source}: tensor '{name}' has shape [{string.Join(", ", source1.shape)}] but the config expects [{string.Join(", ", target.shape)}]");
                target.copy_(source1.to(target.dtype));
            }
        }
        if (missing.Count > 0)
            throw new InvalidDataException(
                $"{source}: checkpoint is missing {missing.Count} required tensor(s): {string.Join(", ", missing.Take(10))}{(missing.Count > 10 ? ", ..." : "")}");
        if (optionalMissing.Count > 0)
            warnings.Add($"{source}: {optionalMissing.Count} tensor(s) not in the checkpoint, left randomly initialised: {string.Join(", ", optionalMissing)}");
        unexpected.AddRange(mapped.Keys);
        if (unexpected.Count > 0)
            warnings.Add($"{source}: {unexpected.Count} unexpected tensor(s) ignored: {string.Join(", ", unexpected.Order(StringComparer.Ordinal))}");
        return warnings;
    }

    public void Dispose() => Model.Dispose();
}
