using Flip.FeatureStore.Store;
using Flip.Trainer.Training;

namespace Flip.Trainer.Tests.Training;

public class IdExperimentTests
{
    [Fact]
    public void VocabularyComesFromTheTrainPartOnlyAndTheModelLearns()
    {
        var events = SyntheticEvents.Generate(4_000);
        // A value that first appears in the test part must map to the field's unknown id.
        events[^1] = events[^1] with { Values = ["never-seen-user", .. events[^1].Values[1..]] };
        var options = new IdTrainingOptions { BatchSize = 128, LearningRate = 1e-2, MaxEpochs = 3, Seed = 4 };
        var model = new Flip.Trainer.IdModels.IdModelOptions { EmbeddingSize = 8, HiddenUnits = [32] };
        var result = IdExperiment.Run("deepfm", SyntheticEvents.Schema, events, options, model);
        using var _ = result.Model;
        Assert.Equal(new ChronologicalSplit(3240, 360, 400), result.Split);
        Assert.Equal(result.Vocabulary.UnknownId(0), result.Vocabulary.Lookup(0, "never-seen-user"));
        Assert.Equal(result.Vocabulary.UnknownId(0), result.Vocabulary.Encode(events[^1])[0]);
        Assert.Equal(result.Vocabulary.Count, result.Model.NumFeatures);
        Assert.True(result.Test.Auc > 0.7, $"test AUC {result.Test.Auc:F4}");
        Assert.Equal(400, result.Test.Count);
        Assert.True(result.ParameterCount > result.Vocabulary.Count * 8);
    }
}
