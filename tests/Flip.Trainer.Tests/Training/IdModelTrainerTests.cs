using Flip.FeatureStore.Store;
using Flip.Trainer.IdModels;
using Flip.Trainer.Training;

namespace Flip.Trainer.Tests.Training;

public class IdModelTrainerTests
{
    private static readonly IdModelOptions Small = new() { EmbeddingSize = 8, HiddenUnits = [16], DcnV2 = { LowRank = 4, Experts = 2 } };

    private static (TrainingResult Result, EvaluationResult Test) Run(int seed, int maxEpochs = 2, int patience = 1)
    {
        var (samples, numFeatures) = SyntheticClicks.Generate(3_000, fields: 4, cardinality: 8);
        var split = ChronologicalSplit.Of(samples.Count, 0.1, 0.1);
        var (train, validation, test) = split.Apply(samples);
        var options = new IdTrainingOptions { BatchSize = 128, LearningRate = 1e-2, MaxEpochs = maxEpochs, Patience = patience, Seed = seed };
        IdModelTrainer.PrepareTorch(options);
        using var model = CtrModelFactory.Create("dcnv2", numFeatures, samples.FieldCount, Small);
        var result = new IdModelTrainer(options).Train(model, train, validation);
        return (result, IdModelEvaluator.Evaluate(model, test));
    }

    [Fact]
    public void SameSeedGivesTheSameAuc()
    {
        var a = Run(seed: 5);
        var b = Run(seed: 5);
        Assert.Equal(Math.Round(a.Test.Auc, 4), Math.Round(b.Test.Auc, 4));
        Assert.Equal(a.Test.LogLoss, b.Test.LogLoss, 6);
        Assert.Equal(a.Result.Epochs.Select(e => e.TrainLoss), b.Result.Epochs.Select(e => e.TrainLoss));
        var c = Run(seed: 6);
        Assert.NotEqual(a.Test.LogLoss, c.Test.LogLoss);
    }

    [Fact]
    public void KeepsTheBestValidationEpochAndStopsAfterPatience()
    {
        var (result, _) = Run(seed: 1, maxEpochs: 12, patience: 1);
        Assert.True(result.EpochsRun < 12 || result.BestEpoch == 12, "stopped early or improved every epoch");
        var best = result.Epochs.MaxBy(e => e.Validation.Auc)!;
        Assert.Equal(best.Epoch, result.BestEpoch);
        Assert.Equal(best.Validation.Auc, result.BestValidation.Auc);
        // Patience 1: the run ends one epoch after the best unless it hit the cap.
        Assert.True(result.EpochsRun == result.BestEpoch + 1 || result.EpochsRun == 12);
        Assert.True(result.TrainSamplesPerSecond > 0);
    }

    [Fact]
    public void RestoredWeightsReproduceTheBestValidationAuc()
    {
        var (samples, numFeatures) = SyntheticClicks.Generate(3_000, fields: 4, cardinality: 8);
        var (train, validation, _) = ChronologicalSplit.Of(samples.Count, 0.1, 0.1).Apply(samples);
        // A high learning rate makes later epochs overfit, so the kept epoch is usually not the last.
        var options = new IdTrainingOptions { BatchSize = 64, LearningRate = 3e-2, MaxEpochs = 6, Patience = 2, Seed = 9 };
        IdModelTrainer.PrepareTorch(options);
        using var model = CtrModelFactory.Create("deepfm", numFeatures, samples.FieldCount, Small);
        var result = new IdModelTrainer(options).Train(model, train, validation);
        Assert.Equal(result.BestValidation.Auc, IdModelEvaluator.Evaluate(model, validation).Auc, 10);
    }

    [Fact]
    public void BatchProducerYieldsEveryRowOnceInShuffledOrder()
    {
        var (samples, _) = SyntheticClicks.Generate(1_000, fields: 3);
        var seen = new List<long>();
        using (var producer = new BatchProducer(samples, 96, shuffleSeed: 4, prefetch: 2))
            foreach (var batch in producer.Batches())
                using (batch)
                {
                    Assert.Equal(new long[] { batch.Count, 3 }, batch.Ids.shape);
                    seen.AddRange(batch.Ids.data<long>().ToArray().Chunk(3).Select(r => r[0] * 1_000_000 + r[1] * 1000 + r[2]));
                }
        Assert.Equal(1_000, seen.Count);
        var expected = Enumerable.Range(0, 1_000).Select(i => { var r = samples.IdsOf(i); return r[0] * 1_000_000L + r[1] * 1000L + r[2]; }).ToList();
        Assert.Equal(expected.Order(), seen.Order());
        Assert.NotEqual(expected, seen);
    }

    [Fact]
    public void StoppingEarlyFreesTheProducer()
    {
        var (samples, _) = SyntheticClicks.Generate(2_000, fields: 3);
        using var producer = new BatchProducer(samples, 10, shuffleSeed: null, prefetch: 2);
        var first = producer.Batches().First();
        first.Dispose();
        // Dispose (by using) must return although the producer is blocked on a full queue.
    }
}
