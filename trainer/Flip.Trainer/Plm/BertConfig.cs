using Flip.FeatureStore.Errors;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Flip.Trainer.Plm;

/// <summary>
/// The fields of a Hugging Face BERT <c>config.json</c> that shape the encoder. Defaults are bert-base-uncased's.
/// </summary>
public sealed record BertConfig
{
    public int VocabSize { get; init; } = 30522;
    public int HiddenSize { get; init; } = 768;
    public int NumHiddenLayers { get; init; } = 12;
    public int NumAttentionHeads { get; init; } = 12;
    public int IntermediateSize { get; init; } = 3072;
    public int MaxPositionEmbeddings { get; init; } = 512;
    public int TypeVocabSize { get; init; } = 2;
    public string HiddenAct { get; init; } = "gelu";
    public double LayerNormEps { get; init; } = 1e-12;
    public double HiddenDropoutProb { get; init; } = 0.1;
    public double AttentionProbsDropoutProb { get; init; } = 0.1;
    public double InitializerRange { get; init; } = 0.02;
    public int PadTokenId { get; init; }

    /// <summary>huawei-noah/TinyBERT_General_4L_312D: 4 layers, hidden 312, 12 heads, FFN 1200, uncased vocab.</summary>
    public static BertConfig TinyBert => new() { HiddenSize = 312, NumHiddenLayers = 4, NumAttentionHeads = 12, IntermediateSize = 1200 };

    /// <summary>google/bert_uncased_L-2_H-128_A-2 ("BERT-Tiny"): 2 layers, hidden 128, 2 heads, FFN 512, uncased vocab.</summary>
    public static BertConfig BertTiny => new() { HiddenSize = 128, NumHiddenLayers = 2, NumAttentionHeads = 2, IntermediateSize = 512 };

    /// <summary>
    /// all-MiniLM-L6-v2, the default PLM's shape (Plm/Import/DefaultPlm): 6 layers, hidden 384, 12 heads, FFN 1536,
    /// uncased vocab. For speed measurements where the pretrained weights cannot travel (the GPU bundle).
    /// </summary>
    public static BertConfig MiniLmL6 => new() { HiddenSize = 384, NumHiddenLayers = 6, NumAttentionHeads = 12, IntermediateSize = 1536 };

    /// <summary>Named shapes for randomly initialised models: tinybert, bert-tiny, bert-base, minilm-l6.</summary>
    public static BertConfig Shape(string name) => name.ToLowerInvariant() switch
    {
        "tinybert" => TinyBert,
        "bert-tiny" => BertTiny,
        "bert-base" => new BertConfig(),
        "minilm-l6" => MiniLmL6,
        _ => throw new UserInputException($"unknown PLM shape '{name}' (expected tinybert, bert-tiny, bert-base or minilm-l6)"),
    };

    [JsonIgnore]
    public int HeadSize => HiddenSize / NumAttentionHeads;

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    /// <summary>Parses a Hugging Face config.json; unknown keys (architectures, model_type, ...) are ignored.</summary>
    public static BertConfig FromJson(string json, string source = "config.json")
    {
        BertConfig config;
        try
        {
            config = JsonSerializer.Deserialize<BertConfig>(json, Json) ?? throw new InvalidDataException($"{source}: empty config");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not a valid BERT config.json ({e.Message})", e);
        }
        config.Validate(source);
        return config;
    }

    public static BertConfig Load(string path) =>
        File.Exists(path) ? FromJson(File.ReadAllText(path), path) : throw new FileNotFoundException($"BERT config not found: {path}", path);

    /// <summary>Writes config.json in Hugging Face's layout (model_type bert), so transformers can load the folder.</summary>
    public string ToJson()
    {
        var node = JsonSerializer.SerializeToNode(this, Json)!.AsObject();
        node["model_type"] = "bert";
        node["architectures"] = new System.Text.Json.Nodes.JsonArray("BertForMaskedLM");
        return node.ToJsonString(Json);
    }

    public void Validate(string source = "config")
    {
        void Positive(int value, string name)
        {
            if (value <= 0) throw new InvalidDataException($"{source}: {name} must be positive (got {value})");
        }
        Positive(VocabSize, "vocab_size");
        Positive(HiddenSize, "hidden_size");
        Positive(NumHiddenLayers, "num_hidden_layers");
        Positive(NumAttentionHeads, "num_attention_heads");
        Positive(IntermediateSize, "intermediate_size");
        Positive(MaxPositionEmbeddings, "max_position_embeddings");
        Positive(TypeVocabSize, "type_vocab_size");
        if (HiddenSize % NumAttentionHeads != 0)
            throw new InvalidDataException($"{source}: hidden_size {HiddenSize} is not a multiple of num_attention_heads {NumAttentionHeads}");
        BertActivation.Validate(HiddenAct, source);
    }
}
