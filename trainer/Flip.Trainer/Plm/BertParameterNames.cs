namespace Flip.Trainer.Plm;

/// <summary>Maps the parameter names found in Hugging Face BERT checkpoints onto BertForMaskedLM's names.</summary>
public static class BertParameterNames
{
    public const string DecoderBias = "cls.predictions.decoder.bias";

    static readonly string[] BareEncoderPrefixes = ["embeddings.", "encoder.", "pooler."];

    /// <summary>
    /// The canonical name for a checkpoint key, or null for keys that carry nothing to load: the decoder weight
    /// (tied to the word embeddings) and the position_ids buffer.
    /// </summary>
    public static string? ToCanonical(string key)
    {
        var name = key.Replace("LayerNorm.gamma", "LayerNorm.weight", StringComparison.Ordinal)
                      .Replace("LayerNorm.beta", "LayerNorm.bias", StringComparison.Ordinal);
        if (BareEncoderPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal))) name = "bert." + name;
        return name is "cls.predictions.decoder.weight" or "bert.embeddings.position_ids" ? null : name;
    }
}
