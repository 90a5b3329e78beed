using Flip.FeatureStore.Readers;
using Flip.Trainer.IdModels;
using Flip.Trainer.Training;

namespace Flip.Trainer.Tests.Training;

/// <summary>The offline protocol on the real MovieLens-1M subset (../shared/datasets, present in CI), kept small to stay fast.</summary>
public class RealDataExperimentTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static string DatasetPath(string name) => RepoPaths.Shared("datasets", name);

    [Fact]
    public void DcnV2LearnsOnTheFirstMovieLensEvents()
    {
        var reader = DatasetCatalog.Open("movielens-1m", DatasetPath("movielens-1m"));
        var events = reader.ReadEvents().Take(40_000).ToList();
        var training = new IdTrainingOptions { MaxEpochs = 1, BatchSize = 512, LearningRate = 2e-3, Seed = 1 };
        var model = new IdModelOptions { EmbeddingSize = 16, HiddenUnits = [64, 32] };
        var result = IdExperiment.Run("dcnv2", reader.Schema, events, training, model);
        using var _ = result.Model;
        output.WriteLine($"test AUC {result.Test.Auc:F4}, logloss {result.Test.LogLoss:F4}");
        Assert.Equal(8, result.Model.NumFields);
        Assert.Equal(8 * 16 + 32, result.Model.RepresentationSize);
        Assert.Equal(4_000, result.Test.Count);
        // Even one short epoch beats chance clearly on real ratings (users and movies carry most of the signal).
        Assert.True(result.Test.Auc > 0.65, $"test AUC {result.Test.Auc:F4}");
        Assert.InRange(result.Test.LogLoss, 0.3, 0.69);
    }
}
