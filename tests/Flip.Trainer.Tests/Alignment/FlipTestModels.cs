using Flip.Trainer.Alignment;
using Flip.Trainer.Plm;
using Flip.Trainer.Tests.Plm;
using static TorchSharp.torch;

namespace Flip.Trainer.Tests.Alignment;

internal static class FlipTestModels
{
    public static FlipHeadOptions Heads => new() { ProjectionSize = 16, MtmEmbeddingSize = 8, NoiseSamples = 5 };

    public static FlipPretrainingModel Pretraining(FlipAblation ablation = FlipAblation.None, bool bf16 = false, int seed = 11, FlipHeadOptions? heads = null)
    {
        manual_seed(seed);
        var plm = new BertForMaskedLM(TinyBert.Config());
        var id = new StandInIdEncoder(SyntheticPairs.FeatureVocabularySize, SyntheticPairs.Fields);
        return new FlipPretrainingModel(plm, id, SyntheticPairs.Fields, SyntheticPairs.FeatureVocabularySize, FlipObjectives.For(ablation), heads ?? Heads, bf16);
    }

    public static FlipBatch MaskedBatch(int size = 16, int seed = 5, FlipAblation ablation = FlipAblation.None)
    {
        var masker = new FlipMasker(TinyBert.Vocabulary.MaskId, tokenLevel: FlipObjectives.For(ablation).TokenLevelMasking);
        return FlipBatch.CreateMasked(SyntheticPairs.Many(size, seed), masker, SyntheticPairs.Noise(), Heads.NoiseSamples, new Random(seed), CPU);
    }
}
