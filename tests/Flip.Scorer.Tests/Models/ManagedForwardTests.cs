using Flip.FeatureStore.Vocabulary;
using Flip.Scorer.Models;
using Flip.Trainer.IdModels;
using Flip.Trainer.Training;
using static TorchSharp.torch;

namespace Flip.Scorer.Tests.Models;

/// <summary>The managed DCNv2 forward against TorchSharp's, on the default (benchmark) shape and on both cross variants.</summary>
public sealed class ManagedForwardTests
{
    [Theory]
    [InlineData(false, 2, 4, 32)]
    [InlineData(false, 3, 1, 5)]
    [InlineData(true, 2, 1, 1)]
    public void The_managed_dcnv2_forward_equals_torchsharps(bool fullRank, int layers, int experts, int rank)
    {
        var events = MovieLensLikeEvents.Generate(400, seed: 11);
        var vocabulary = FeatureVocabulary.Build(MovieLensLikeEvents.Schema, events);
        manual_seed(21);
        var options = new IdModelOptions { DcnV2 = new DcnV2Options { FullRank = fullRank, CrossLayers = layers, Experts = experts, LowRank = rank } };
        using var model = (DcnV2Model)CtrModelFactory.Create("dcnv2", vocabulary.Count, vocabulary.Schema.FieldCount, options);
        // Embeddings of the trained scale (the init's 1e-4 would leave every logit at the output bias) and non-zero cross biases.
        using (no_grad())
        {
            model.Embedding.Weight.normal_(0, 0.3);
            foreach (var (name, p) in model.named_parameters())
                if (name.StartsWith("cross.", StringComparison.Ordinal) && name.EndsWith("bias", StringComparison.Ordinal)) p.normal_(0, 0.1);
        }
        model.eval();
        var probe = MovieLensLikeEvents.Generate(64, seed: 12, idPrefix: "p"); // other users/movies too: unknown ids included
        var expected = IdModelEvaluator.PredictLogits(model, EncodedDataset.Encode(probe, vocabulary));

        var forward = new DcnV2Forward(model);
        var scratch = new float[forward.ScratchLength];
        var ids = new int[forward.Fields];
        float spread = expected.Max() - expected.Min();
        Assert.True(spread > 0.5f, $"the probe's logits should differ (spread {spread})");
        for (int i = 0; i < probe.Count; i++)
        {
            vocabulary.Encode(probe[i], ids);
            float logit = forward.Logit(ids, scratch);
            Assert.Equal(expected[i], logit, 1e-4f);
            Assert.Equal(1f / (1f + MathF.Exp(-expected[i])), 1f / (1f + MathF.Exp(-logit)), 1e-6f);
        }

        // The scoring model: the same CTRs for a batch and from many threads at once (it is scored on request threads).
        var scoring = new ManagedIdScoringModel(forward, vocabulary);
        Assert.True(scoring.ScoresConcurrently);
        var batch = new double[probe.Count];
        scoring.Score(probe, batch);
        Parallel.For(0, 8, _ =>
        {
            var mine = new double[probe.Count];
            for (int round = 0; round < 20; round++)
            {
                scoring.Score(probe, mine);
                Assert.Equal(batch, mine);
            }
        });
        for (int i = 0; i < probe.Count; i++) Assert.Equal(1f / (1f + MathF.Exp(-expected[i])), batch[i], 1e-6);
    }

    [Fact]
    public void An_id_outside_the_embedding_table_is_refused()
    {
        var vocabulary = FeatureVocabulary.Build(MovieLensLikeEvents.Schema, MovieLensLikeEvents.Generate(50));
        using var model = (DcnV2Model)CtrModelFactory.Create("dcnv2", vocabulary.Count, vocabulary.Schema.FieldCount, TestModels.SmallId);
        var forward = new DcnV2Forward(model);
        var ids = new int[forward.Fields];
        ids[2] = vocabulary.Count;
        Assert.Throws<ArgumentOutOfRangeException>(() => forward.Logit(ids, new float[forward.ScratchLength]));
    }
}
