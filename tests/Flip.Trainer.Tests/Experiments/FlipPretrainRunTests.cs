using Flip.Trainer.Alignment;
using Flip.Trainer.Experiments;
using Flip.Trainer.Safetensors;

namespace Flip.Trainer.Tests.Experiments;

public class FlipPretrainRunTests(FlipExperimentFixture fixture) : IClassFixture<FlipExperimentFixture>
{
    [Fact]
    public void AFreshRunTrainsOnTheTrainPairsAndWritesACheckpoint()
    {
        Assert.Equal(16, fixture.Pretrained.Steps); // ceil(486 / 32)
        Assert.Equal(486, fixture.Pretrained.Samples);
        var manifest = FlipCheckpoint.ReadManifest(fixture.PretrainedDir);
        Assert.Equal("pretrained", manifest.Stage);
        Assert.True(manifest.PlmRandomlyInitialised);
        Assert.Equal(486, manifest.TrainedSamples);
    }

    [Fact]
    public void ContinuingWarmStartsFromTheCheckpointAndTrainsTheLatestPairsForTheGivenSteps()
    {
        var outDir = Path.Combine(fixture.Root, "continued");
        var report = FlipPretrainRun.ContinueAndSave(fixture.PretrainedDir, SyntheticEvents.Schema, fixture.Data.Train, steps: 3,
            FlipExperimentFixture.Pretraining, outDir);
        Assert.Equal(3, report.Steps);
        Assert.Equal(96, report.Samples);
        var manifest = FlipCheckpoint.ReadManifest(outDir);
        Assert.Equal(486 + 96, manifest.TrainedSamples);
        Assert.Equal(FlipExperimentFixture.Heads.ProjectionSize, manifest.Heads.ProjectionSize);

        // Warm start: the new heads moved away from the old ones, but only a little (3 small steps, not a fresh init).
        var before = SafetensorsFile.Load(Path.Combine(fixture.PretrainedDir, FlipCheckpoint.HeadsFile));
        var after = SafetensorsFile.Load(Path.Combine(outDir, FlipCheckpoint.HeadsFile));
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        var changed = before.Keys.Count(k => !before[k].allclose(after[k]));
        Assert.True(changed > 0, "no head tensor changed");
        foreach (var k in before.Keys)
            Assert.True(before[k].allclose(after[k], rtol: 0, atol: 0.05), $"{k} moved more than a warm-started step would");
    }

    [Fact]
    public void AFinetunedCheckpointCannotBePretrainedFurther()
    {
        var finetunedDir = Path.Combine(fixture.Root, "finetuned-for-refusal");
        FlipFinetuneRun.FromCheckpoint(fixture.PretrainedDir, SyntheticEvents.Schema, fixture.Events, FlipExperimentFixture.Finetuning,
            FlipExperimentFixture.MaxLength, saveTo: finetunedDir);
        Assert.Throws<InvalidDataException>(() => FlipPretrainRun.ContinueAndSave(finetunedDir, SyntheticEvents.Schema, fixture.Data.Train, 1,
            FlipExperimentFixture.Pretraining, Path.Combine(fixture.Root, "never")));
    }
}
