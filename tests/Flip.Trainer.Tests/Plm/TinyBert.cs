using Flip.Trainer.Plm;

namespace Flip.Trainer.Tests.Plm;

/// <summary>A tiny BERT shape and synthetic vocabulary that keep the tests fast.</summary>
internal static class TinyBert
{
    public static BertVocabulary Vocabulary { get; } =
        new(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", .. Enumerable.Range(0, 59).Select(i => $"t{i}")], "synthetic");

    public static BertConfig Config(int layers = 2) => new()
    {
        VocabSize = Vocabulary.Count,
        HiddenSize = 32,
        NumHiddenLayers = layers,
        NumAttentionHeads = 4,
        IntermediateSize = 64,
        MaxPositionEmbeddings = 32,
    };
}
