using Flip.Trainer.Checkpoints;
using static TorchSharp.torch;

namespace Flip.Trainer.Online.Tests.Learning;

public sealed class IdOnlineLearnerTests
{
    private static TrainerOptions Options() => new()
    {
        Model = "dcnv2",
        InitialRows = 16,
        GrowthFactor = 2,
        Threads = 1,
        BatchSize = 64,
        IdModel = new Flip.Trainer.IdModels.IdModelOptions { EmbeddingSize = 8, HiddenUnits = [16] },
    };

    [Fact]
    public void Growing_the_table_keeps_the_scores_and_optimizer_state_of_old_ids_identical()
    {
        using var learner = new IdOnlineLearner(Options(), TestStores.Schema);
        var first = TestStores.Events(200, TimeSpan.FromMinutes(1), users: 3, items: 4); // 3 + 4 + 3 values: fits 16 rows with the 5 reserved
        learner.Observe(first);
        learner.Train(first, window: 0, CancellationToken.None);
        Assert.Equal(16, learner.Model.NumFeatures);
        var before = learner.Score(first);
        using var momentBefore = OptimizerMoment(learner);

        // New users and items: the table must grow (16 -> 32 -> 64 rows).
        var newcomers = TestStores.Events(60, TimeSpan.FromMinutes(1), seed: 5, users: 40, items: 40, offset: TimeSpan.FromDays(1), prefix: "n");
        learner.Observe(newcomers);
        Assert.True(learner.Model.NumFeatures > 16);
        var after = learner.Score(first);
        Assert.Equal(before, after);
        using var momentAfter = OptimizerMoment(learner);
        Assert.Equal(0f, (momentBefore - momentAfter.narrow(0, 0, 16)).abs().max().item<float>());
        Assert.Equal(0f, momentAfter.narrow(0, 16, momentAfter.shape[0] - 16).abs().sum().item<float>());

        // And it keeps learning: old ids' scores move once it trains again.
        learner.Train(newcomers, window: 1, CancellationToken.None);
        Assert.NotEqual(before, learner.Score(first));
    }

    [Fact]
    public void The_export_is_a_compact_checkpoint_that_scores_like_the_live_model()
    {
        using var learner = new IdOnlineLearner(Options(), TestStores.Schema);
        var events = TestStores.Events(300, TimeSpan.FromMinutes(1));
        learner.Observe(events);
        learner.Train(events, 0, CancellationToken.None);
        var directory = TestStores.TempDirectory("export");
        using (var export = learner.Export()) export.WriteTo(directory);
        var loaded = IdCheckpoint.Load(directory, TestStores.Schema);
        using var model = loaded.Model;
        Assert.Equal(loaded.Vocabulary.Count, model.NumFeatures);
        Assert.True(model.NumFeatures <= learner.Model.NumFeatures);
        var samples = Flip.Trainer.Training.EncodedDataset.Encode(events, loaded.Vocabulary);
        var exported = Flip.Trainer.Training.IdModelEvaluator.PredictLogits(model, samples);
        var live = learner.Score(events);
        for (int i = 0; i < live.Length; i++) Assert.Equal(live[i], exported[i], 5);
    }

    [Fact]
    public void State_saved_and_loaded_resumes_the_same_model_and_optimizer()
    {
        var options = Options();
        var events = TestStores.Events(300, TimeSpan.FromMinutes(1));
        var directory = TestStores.TempDirectory("learner-state");
        float[] expected;
        using (var learner = new IdOnlineLearner(options, TestStores.Schema))
        {
            learner.Observe(events);
            learner.Train(events, 0, CancellationToken.None);
            learner.SaveState(directory);
            learner.Train(events, 1, CancellationToken.None);
            expected = learner.Score(events);
        }
        using var resumed = new IdOnlineLearner(options, TestStores.Schema, directory);
        resumed.Train(events, 1, CancellationToken.None);
        Assert.Equal(expected, resumed.Score(events));
    }

    private static Tensor OptimizerMoment(IdOnlineLearner learner)
    {
        var path = Path.Combine(TestStores.TempDirectory("adam"), "adam.safetensors");
        learner.Optimizer.Save(path);
        var tensors = Flip.Trainer.Safetensors.SafetensorsFile.Load(path);
        return tensors["m.embedding.table.weight"];
    }
}
