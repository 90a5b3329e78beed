using Flip.Trainer.Alignment;
using Flip.Trainer.Tests.Plm;
using static TorchSharp.torch;
using Xunit.Abstractions;

namespace Flip.Trainer.Tests.Alignment;

/// <summary>
/// The hand-built bf16 path (<see cref="MixedPrecisionPlm"/>: bf16 compute copy, fp32 masters) against fp32 over a
/// whole training run, not one step: same start weights, same batches, 160 steps on the tiny model.
/// Stated tolerance: the mean loss of every 40-step window within 5% of fp32's (dropout masks differ between the two
/// runs once the bf16 copy has drawn its own initial weights, so single steps differ by more than precision alone).
/// </summary>
public sealed class Bf16TrackingTests(ITestOutputHelper output)
{
    const int Window = 40;
    const double Tolerance = 0.05;

    static double[] Losses(bool bf16)
    {
        using var model = FlipTestModels.Pretraining(bf16: bf16, seed: 31);
        var options = new FlipPretrainingOptions
        {
            Epochs = 10, BatchSize = 16, LearningRate = 2e-3, Bf16 = bf16, Device = "cpu", Heads = FlipTestModels.Heads, Seed = 7,
        };
        var losses = new List<double>();
        new FlipPretrainer(model, SyntheticPairs.Noise(), TinyBert.Vocabulary.MaskId, options).Train(SyntheticPairs.Many(256, 9), p => losses.Add(p.Loss));
        Assert.All(model.Plm.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        return losses.ToArray();
    }

    [Fact]
    public void Bf16LossesTrackFp32WithinFivePercentOverOneHundredSixtySteps()
    {
        var fp32 = Losses(bf16: false);
        var bf16 = Losses(bf16: true);
        Assert.Equal(160, fp32.Length);
        Assert.Equal(160, bf16.Length);
        var windows = Enumerable.Range(0, fp32.Length / Window)
            .Select(w => (Fp32: fp32.Skip(w * Window).Take(Window).Average(), Bf16: bf16.Skip(w * Window).Take(Window).Average())).ToArray();
        var report = string.Join(", ", windows.Select(w => $"{w.Fp32:0.000}/{w.Bf16:0.000}"));
        output.WriteLine($"fp32/bf16 window means: {report}");
        // Both runs learn (the comparison is over a real trajectory, not a flat line) ...
        Assert.True(windows[^1].Fp32 < 0.8 * windows[0].Fp32, $"fp32 did not learn: {report}");
        Assert.True(windows[^1].Bf16 < 0.8 * windows[0].Bf16, $"bf16 did not learn: {report}");
        // ... and bf16 stays on fp32's curve.
        Assert.All(windows, w => Assert.True(Math.Abs(w.Bf16 - w.Fp32) / w.Fp32 < Tolerance, $"fp32/bf16 window means: {report}"));
    }
}
