using Flip.FeatureStore.Store;
using Flip.Trainer.Experiments;
using Flip.Trainer.Training;

namespace Flip.Trainer.Tests.Experiments;

public class FlipExperimentTests
{
    [Fact]
    public void TheIdModelAndTheThreeFinetuningModesShareOneSplitAndOnePretraining()
    {
        var events = SyntheticEvents.Generate(600, seed: 5);
        var checkpointDir = Path.Combine(Path.GetTempPath(), $"flip-experiment-test-{Guid.NewGuid():N}");
        var logged = new List<string>();
        var options = new FlipExperimentOptions
        {
            Plm = FlipExperimentFixture.Plm,
            IdModelOptions = FlipExperimentFixture.IdModel,
            IdTraining = new IdTrainingOptions { MaxEpochs = 1, BatchSize = 64, Threads = 1 },
            Pretraining = FlipExperimentFixture.Pretraining,
            Finetuning = FlipExperimentFixture.Finetuning,
            MaxLength = FlipExperimentFixture.MaxLength,
            CheckpointDirectory = checkpointDir,
        };
        var result = FlipExperiment.Run(SyntheticEvents.Schema, events, options, new FlipRunObserver { Log = logged.Add });

        Assert.Equal(["DCNv2 (from scratch)", "FLIP_ID", "FLIP_PLM", "FLIP"], result.Rows.Select(r => r.Model));
        Assert.Equal(new ChronologicalSplit(486, 54, 60), result.Split);
        Assert.True(result.PlmRandomlyInitialised);
        Assert.Equal(600, result.Events);
        Assert.Equal(486, result.Pretraining.Samples);
        Assert.All(result.Rows, r => Assert.InRange(r.TestAuc, 0, 1));
        Assert.Null(result.Rows[0].PretrainSamplesPerSecond);
        Assert.All(result.Rows.Skip(1), r => Assert.Equal(result.Pretraining.SamplesPerSecond, r.PretrainSamplesPerSecond));
        Assert.Equal([null, null, null], result.Rows.Take(3).Select(r => r.Alpha));
        Assert.NotNull(result.Rows[3].Alpha);
        Assert.Contains(logged, l => l.StartsWith("FLIP: test AUC", StringComparison.Ordinal));
        Assert.False(Directory.Exists(checkpointDir), "the pretraining checkpoint must be deleted");
    }
}
