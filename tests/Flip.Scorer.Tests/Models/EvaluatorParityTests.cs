using Flip.Trainer.Alignment;
using Flip.Trainer.Training;

namespace Flip.Scorer.Tests.Models;

public sealed class EvaluatorParityTests
{
    [Fact]
    public async Task The_scorers_ctr_equals_the_trainers_evaluator_for_an_id_model()
    {
        var root = TestScorer.NewRegistryRoot();
        var events = MovieLensLikeEvents.Generate(500);
        var (model, vocabulary) = TestModels.TrainDcnV2(events);
        var published = TestModels.PublishId(new Flip.Registry.ModelRegistry(root), model, vocabulary);
        var probe = MovieLensLikeEvents.Generate(40, seed: 77, idPrefix: "p");
        var logits = IdModelEvaluator.PredictLogits(model, EncodedDataset.Encode(probe, vocabulary));

        await using var scorer = await TestScorer.StartAsync(root);
        await scorer.WaitForVersionAsync(published.Version);
        var answer = await scorer.ScoreAsync(TestScorer.EventsJson(probe));
        for (int i = 0; i < probe.Count; i++)
            Assert.Equal(1f / (1f + MathF.Exp(-logits[i])), answer.Scores[i].Ctr, 1e-6);
        // One at a time (other batch compositions) gives the same scores.
        var alone = await scorer.ScoreAsync(TestScorer.EventJson(probe[7]));
        Assert.Equal(answer.Scores[7].Ctr, alone.Scores[0].Ctr, 1e-6);
    }

    [Theory]
    [InlineData(FlipFinetuneMode.Flip, "flip")]
    [InlineData(FlipFinetuneMode.FlipPlm, "flip-plm")]
    [InlineData(FlipFinetuneMode.FlipId, "flip-id")]
    public async Task The_scorers_ctr_equals_the_finetuners_prediction_for_flip_models(FlipFinetuneMode mode, string kind)
    {
        var root = TestScorer.NewRegistryRoot();
        var events = MovieLensLikeEvents.Generate(300);
        var (model, plm, vocabulary, pairs) = TestModels.TrainFlip(events, mode, maxLength: 100);
        var published = TestModels.PublishFlip(new Flip.Registry.ModelRegistry(root), model, plm, vocabulary, kind);
        var probe = MovieLensLikeEvents.Generate(24, seed: 78, idPrefix: "p");
        var expected = new FlipFinetuner(model, new FlipFinetuningOptions { Mode = mode, Device = "cpu", BatchSize = 64 }).Predict(probe.Select(pairs.Build).ToList());

        await using var scorer = await TestScorer.StartAsync(root);
        await scorer.WaitForVersionAsync(published.Version);
        var answer = await scorer.ScoreAsync(TestScorer.EventsJson(probe));
        Assert.Equal(kind, answer.ModelKind);
        for (int i = 0; i < probe.Count; i++) Assert.Equal(expected[i], answer.Scores[i].Ctr, 1e-6);
        var alone = await scorer.ScoreAsync(TestScorer.EventJson(probe[3]));
        Assert.Equal(expected[3], alone.Scores[0].Ctr, 1e-6);
    }
}
