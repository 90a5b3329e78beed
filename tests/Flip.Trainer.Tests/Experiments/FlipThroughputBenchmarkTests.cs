using Flip.Trainer.Alignment;
using Flip.Trainer.Experiments;

namespace Flip.Trainer.Tests.Experiments;

/// <summary>`bench flip-gpu` on CPU with tiny settings: the smoke test of the GPU benchmark's library side.</summary>
public sealed class FlipThroughputBenchmarkTests
{
    [Fact]
    public void MeasuresEveryPlmBatchAndPrecisionWithPhasesAndNoGpuFigures()
    {
        var events = SyntheticEvents.Generate(300, seed: 4);
        var options = new FlipThroughputOptions
        {
            Plms = [new FlipThroughputPlm("bert-tiny", FlipExperimentFixture.Plm)],
            BatchSizes = [8, 16],
            Bf16 = [false, true],
            Device = "cpu",
            WarmupSteps = 0,
            Steps = 1,
            PhaseSteps = 1,
            MaxLength = FlipExperimentFixture.MaxLength,
            Heads = FlipExperimentFixture.Heads,
        };
        var log = new List<string>();
        var result = FlipThroughputBenchmark.Run(SyntheticEvents.Schema, events, options, log.Add);

        Assert.Equal("cpu", result.Device);
        Assert.Null(result.GpuName);
        Assert.Equal([(8, "fp32"), (8, "bf16"), (16, "fp32"), (16, "bf16")], result.Rows.Select(r => (r.BatchSize, r.Precision)));
        Assert.All(result.Rows, r =>
        {
            Assert.Null(r.Error);
            Assert.Equal("2L-128H random", r.Shape);
            Assert.Equal(1, r.Steps);
            Assert.InRange(r.SamplesPerSecond, 1e-3, 1e9);
            Assert.Equal(r.BatchSize * r.Steps / r.Seconds, r.SamplesPerSecond, 6);
            Assert.Equal(Enum.GetNames<FlipStepPhase>().Order(), r.PhaseMillisecondsPerStep.Keys.Order());
            Assert.True(r.PhaseMillisecondsPerStep["PlmForward"] > 0 && r.PhaseMillisecondsPerStep["Backward"] > 0);
            Assert.Null(r.GpuMemoryUsedBytes);
            Assert.True(r.LastLoss is > 0 and < 100, $"loss {r.LastLoss}");
        });
        Assert.Equal(8, log.Count);
    }

    [Fact]
    public void WarmupStepsAreTrainedButLeftOutOfTheTimedFigures()
    {
        using var model = Alignment.FlipTestModels.Pretraining();
        var options = new FlipPretrainingOptions { Epochs = 1, BatchSize = 8, WarmupSteps = 2, Device = "cpu", Heads = Alignment.FlipTestModels.Heads };
        var report = new FlipPretrainer(model, Alignment.SyntheticPairs.Noise(), Plm.TinyBert.Vocabulary.MaskId, options).Train(Alignment.SyntheticPairs.Many(40, 3));
        Assert.Equal(5, report.Steps);
        Assert.Equal(24, report.Samples);
        Assert.True(report.Seconds > 0);
    }
}
