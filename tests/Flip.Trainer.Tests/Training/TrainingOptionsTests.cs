using Flip.FeatureStore.Errors;
using Flip.Trainer.IdModels;
using Flip.Trainer.Training;
using static TorchSharp.torch;

namespace Flip.Trainer.Tests.Training;

public class TrainingOptionsTests
{
    private static readonly IdModelOptions Small = new() { EmbeddingSize = 8, HiddenUnits = [16] };

    private static double EmbeddingNormAfterTraining(double l2)
    {
        var (samples, numFeatures) = SyntheticClicks.Generate(2_000, fields: 3, cardinality: 8);
        var options = new IdTrainingOptions { BatchSize = 128, LearningRate = 1e-2, MaxEpochs = 2, Patience = 2, Seed = 3, EmbeddingL2 = l2 };
        IdModelTrainer.PrepareTorch(options);
        using var model = CtrModelFactory.Create("widedeep", numFeatures, 3, Small);
        new IdModelTrainer(options).Train(model, samples.Slice(0, 1_600), samples.Slice(1_600, 400));
        return model.Embedding.Weight.norm().item<float>();
    }

    [Fact]
    public void EmbeddingL2ShrinksTheEmbeddings()
    {
        Assert.True(EmbeddingNormAfterTraining(0.05) < 0.7 * EmbeddingNormAfterTraining(0));
    }

    [Fact]
    public void DropoutActsOnlyInTrainingMode()
    {
        var options = new IdModelOptions { EmbeddingSize = 8, HiddenUnits = [64], Dropout = 0.5, EmbeddingInitStd = 1 };
        manual_seed(1);
        using var model = CtrModelFactory.Create("dcnv2", 50, 4, options);
        using var ids = randint(0, 50, [32, 4], dtype: ScalarType.Int64);
        using var scope = NewDisposeScope();
        model.eval();
        var a = model.call(ids).Logit;
        var b = model.call(ids).Logit;
        Assert.True(a.allclose(b, 0, 0));
        model.train();
        var c = model.call(ids).Logit;
        Assert.False(a.allclose(c));
    }

    [Fact]
    public void InvalidSettingsAreRefusedByName()
    {
        Assert.Contains("BatchSize", Assert.Throws<UserInputException>(() => new IdModelTrainer(new IdTrainingOptions { BatchSize = 0 })).Message);
        Assert.Contains("Patience", Assert.Throws<UserInputException>(() => new IdTrainingOptions { Patience = 0 }.Validate()).Message);
        Assert.Contains("AutoInt.Heads", Assert.Throws<UserInputException>(() => CtrModelFactory.Create("autoint", 10, 3, new IdModelOptions { EmbeddingSize = 10, AutoInt = { Heads = 3 } })).Message);
    }

    [Fact]
    public void SampleSetRefusesLabelsOtherThanZeroOrOne()
    {
        Assert.Throws<ArgumentException>(() => new SampleSet([1, 2], [0.5f], 2));
        Assert.Throws<ArgumentException>(() => new SampleSet([1, 2, 3], [1f], 2));
    }

    [Fact]
    public void LatencyBenchmarkReportsOrderedPercentiles()
    {
        var (samples, numFeatures) = SyntheticClicks.Generate(600, fields: 3);
        using var model = CtrModelFactory.Create("deepfm", numFeatures, 3, Small);
        var m = IdModelBenchmark.MeasureInference(model, samples, 16, iterations: 30, warmup: 2);
        Assert.True(m.P50Ms <= m.P95Ms && m.P95Ms <= m.P99Ms && m.MeanMs > 0 && m.SamplesPerSecond > 0);
        Assert.True(IdModelBenchmark.MeasureTraining(model, samples, 64, steps: 4, warmup: 1) > 0);
        Assert.Throws<ArgumentException>(() => IdModelBenchmark.MeasureTraining(model, samples, 64, steps: 40));
    }
}
