using Flip.FeatureStore.Errors;
using Flip.Trainer.Alignment;
using Flip.Trainer.Tests.Plm;
using TorchSharp;
using static TorchSharp.torch;

namespace Flip.Trainer.Tests.Alignment;

public sealed class FlipPretrainingModelTests
{
    [Fact]
    public void EachLossIsFiniteAndDecreasesOnAFixedBatch()
    {
        using var model = FlipTestModels.Pretraining();
        using var batch = FlipTestModels.MaskedBatch();
        using var optimizer = optim.AdamW(model.parameters(), lr: 2e-3);
        model.train();

        FlipLosses Step()
        {
            var losses = model.call(batch);
            optimizer.zero_grad();
            losses.Total.backward();
            optimizer.step();
            return losses;
        }

        var first = Step();
        FlipLosses last = first;
        for (var i = 0; i < 40; i++) last = Step();

        foreach (var (a, b) in new[] { (first.Mlm, last.Mlm), (first.Mtm, last.Mtm), (first.Icl, last.Icl) })
        {
            Assert.NotNull(a);
            Assert.True(double.IsFinite(a!.Value) && double.IsFinite(b!.Value));
            Assert.True(b < a * 0.95, $"loss went from {a} to {b}");
        }
        Assert.Equal(first.Mlm!.Value + first.Mtm!.Value + first.Icl!.Value, first.Total.item<float>(), 3);
    }

    [Theory]
    [InlineData(FlipAblation.None, true, true, true)]
    [InlineData(FlipAblation.WithoutMlm, false, true, true)]
    [InlineData(FlipAblation.WithoutMtm, true, false, true)]
    [InlineData(FlipAblation.WithoutIcl, true, true, false)]
    [InlineData(FlipAblation.WithoutMlmAndMtm, false, false, true)]
    [InlineData(FlipAblation.TokenLevelMasking, true, true, true)]
    [InlineData(FlipAblation.WithoutJointReconstruction, true, true, true)]
    public void AblationsChooseTheComputedLosses(FlipAblation ablation, bool mlm, bool mtm, bool icl)
    {
        using var model = FlipTestModels.Pretraining(ablation);
        using var batch = FlipTestModels.MaskedBatch(ablation: ablation);
        using var losses = model.call(batch);

        Assert.Equal(mlm, losses.Mlm.HasValue);
        Assert.Equal(mtm, losses.Mtm.HasValue);
        Assert.Equal(icl, losses.Icl.HasValue);
        Assert.True(float.IsFinite(losses.Total.item<float>()));
        var joint = ablation != FlipAblation.WithoutJointReconstruction;
        Assert.Equal(joint ? 16 : 0, model.MlmHead.RowSize);
        Assert.Equal(joint ? 32 : 0, model.MtmHead.TextSize);
    }

    [Fact]
    public void WithoutJointReconstructionMlmIgnoresTheRowAndMtmIgnoresTheText()
    {
        using var model = FlipTestModels.Pretraining(FlipAblation.WithoutJointReconstruction);
        model.eval();
        using var batch = FlipTestModels.MaskedBatch();
        using var before = model.call(batch);
        // Changing the unmasked row's ids and the unmasked text must not change MLM or MTM now.
        using var other = FlipTestModels.MaskedBatch(seed: 99);
        var mixed = new FlipBatch
        {
            Size = batch.Size, TokenIds = other.TokenIds, AttentionMask = batch.AttentionMask, FeatureIds = other.FeatureIds, Labels = batch.Labels,
            MaskedTokenIds = batch.MaskedTokenIds, MlmLabels = batch.MlmLabels, MaskedFeatureIds = batch.MaskedFeatureIds, TabularMask = batch.TabularMask,
            NceCandidates = batch.NceCandidates, NceLogNoise = batch.NceLogNoise,
        };
        using var after = model.call(mixed);
        Assert.Equal(before.Mlm!.Value, after.Mlm!.Value, 5);
        Assert.Equal(before.Mtm!.Value, after.Mtm!.Value, 5);

        using var jointModel = FlipTestModels.Pretraining();
        jointModel.eval();
        using var jointBefore = jointModel.call(batch);
        using var jointAfter = jointModel.call(mixed);
        Assert.NotEqual(jointBefore.Mlm!.Value, jointAfter.Mlm!.Value, 5);
        Assert.NotEqual(jointBefore.Mtm!.Value, jointAfter.Mtm!.Value, 5);
    }

    [Fact]
    public void NceCandidatesHoldTheTrueIdFirstAndNoiseFromTheSameField()
    {
        using var batch = FlipTestModels.MaskedBatch();
        var candidates = batch.NceCandidates!;
        var mask = batch.TabularMask!;
        Assert.Equal(batch.Size * 1, mask.sum().item<long>()); // round(0.15·4) = 1 masked field per row
        for (var i = 0; i < batch.Size; i++)
            for (var f = 0; f < SyntheticPairs.Fields; f++)
            {
                if (!mask[i, f].item<bool>()) continue;
                Assert.Equal(batch.FeatureIds[i, f].item<long>(), candidates[i, f, 0].item<long>());
                Assert.Equal(FlipMasker.TabularMaskId, batch.MaskedFeatureIds![i, f].item<long>());
                for (var k = 1; k < 6; k++)
                    Assert.InRange(candidates[i, f, k].item<long>(), SyntheticPairs.FeatureId(f, 0), SyntheticPairs.FeatureId(f, 4));
            }
        // log(K·q) for value 4 of a field (q = 51/155, K = 5).
        var expected = Math.Log(5 * 51.0 / 155);
        var ids = candidates.flatten();
        var logs = batch.NceLogNoise!.flatten();
        var hit = ids.eq(SyntheticPairs.FeatureId(0, 4)).nonzero();
        if (hit.shape[0] > 0) Assert.Equal(expected, logs[hit[0, 0]].item<float>(), 4);
    }

    [Fact]
    public void Bf16PathLossIsCloseToFp32AndUpdatesFp32Masters()
    {
        using var fp32 = FlipTestModels.Pretraining(seed: 21);
        using var bf16 = FlipTestModels.Pretraining(bf16: true, seed: 21);
        bf16.load_state_dict(fp32.state_dict());
        fp32.eval();
        bf16.eval();
        using var batch = FlipTestModels.MaskedBatch();

        using var a = fp32.call(batch);
        using var b = bf16.call(batch);
        Assert.True(bf16.Text.IsBf16);
        foreach (var (x, y) in new[] { (a.Mlm, b.Mlm), (a.Mtm, b.Mtm), (a.Icl, b.Icl) })
            Assert.InRange(Math.Abs(x!.Value - y!.Value) / x.Value, 0, 0.03);

        // One optimizer step: gradients reach the fp32 masters, which stay fp32 and move.
        var master = Parameter(bf16.Plm, "bert.encoder.layer.0.attention.self.query.weight");
        var before = master.detach().clone();
        using var optimizer = optim.AdamW(bf16.parameters(), lr: 1e-3);
        optimizer.zero_grad();
        b.Total.backward();
        bf16.Text.CollectGradients();
        Assert.Equal(ScalarType.Float32, master.grad!.dtype);
        Assert.True(master.grad!.abs().sum().item<float>() > 0);
        optimizer.step();
        Assert.Equal(ScalarType.Float32, master.dtype);
        Assert.False(master.allclose(before));
        bf16.Text.MarkStale();
        using var c = bf16.call(batch);
        Assert.NotEqual(b.Total.item<float>(), c.Total.item<float>());
    }

    [Fact]
    public void PretrainerRunsEpochsAndReportsLossesAndPhases()
    {
        using var model = FlipTestModels.Pretraining();
        var options = new FlipPretrainingOptions { Epochs = 3, BatchSize = 16, LearningRate = 2e-3, Heads = FlipTestModels.Heads };
        var steps = new List<FlipStepProgress>();
        var report = new FlipPretrainer(model, SyntheticPairs.Noise(), TinyBert.Vocabulary.MaskId, options)
            .Train(SyntheticPairs.Many(48, 1), steps.Add);

        Assert.Equal(9, report.Steps);
        Assert.Equal(144, report.Samples);
        Assert.Equal(3, report.Epochs.Count);
        Assert.True(report.Epochs[2].Total < report.Epochs[0].Total, $"{report.Epochs[0].Total} -> {report.Epochs[2].Total}");
        Assert.All(report.Epochs, e => Assert.True(e.Mlm.HasValue && e.Mtm.HasValue && e.Icl.HasValue));
        Assert.True(report.PhaseTimes[FlipStepPhase.PlmForward] > TimeSpan.Zero);
        Assert.True(report.PhaseTimes[FlipStepPhase.Backward] > TimeSpan.Zero);
        // Cosine decay: the learning rate falls to 0 at the last step.
        Assert.True(steps[0].LearningRate > steps[4].LearningRate);
        Assert.Equal(0, steps[^1].LearningRate, 9);
    }

    [Fact]
    public void Bf16PretrainerTrainsAcrossStepsAndKeepsFp32Masters()
    {
        using var model = FlipTestModels.Pretraining(bf16: true);
        var options = new FlipPretrainingOptions { Epochs = 3, BatchSize = 16, LearningRate = 2e-3, Bf16 = true, Device = "cpu", Heads = FlipTestModels.Heads };
        var report = new FlipPretrainer(model, SyntheticPairs.Noise(), TinyBert.Vocabulary.MaskId, options).Train(SyntheticPairs.Many(32, 2));

        Assert.True(report.Bf16);
        Assert.Equal(6, report.Steps);
        Assert.All(report.Epochs, e => Assert.True(double.IsFinite(e.Total)));
        Assert.True(report.Epochs[2].Total < report.Epochs[0].Total, $"{report.Epochs[0].Total} -> {report.Epochs[2].Total}");
        Assert.All(model.Plm.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
    }

    [Fact]
    public void NoPretrainingAblationDoesNothing()
    {
        using var model = FlipTestModels.Pretraining(FlipAblation.NoPretraining);
        var before = Parameter(model.Plm, "bert.encoder.layer.0.output.dense.weight").detach().clone();
        var report = new FlipPretrainer(model, SyntheticPairs.Noise(), TinyBert.Vocabulary.MaskId,
            new FlipPretrainingOptions { Ablation = FlipAblation.NoPretraining, Heads = FlipTestModels.Heads }).Train(SyntheticPairs.Many(16, 1));
        Assert.Equal(0, report.Steps);
        Assert.True(Parameter(model.Plm, "bert.encoder.layer.0.output.dense.weight").equal(before).all().item<bool>());
    }

    [Fact]
    public void AblationNamesParse()
    {
        Assert.Equal(FlipAblation.WithoutMlmAndMtm, FlipObjectives.Parse("no-mlm-mtm"));
        Assert.Equal(FlipAblation.WithoutJointReconstruction, FlipObjectives.Parse("NO-JOINT"));
        var e = Assert.Throws<UserInputException>(() => FlipObjectives.Parse("w/o"));
        Assert.Contains("no-mlm", e.Message);
    }

    static TorchSharp.Modules.Parameter Parameter(TorchSharp.torch.nn.Module module, string name) =>
        module.named_parameters().Single(p => p.name == name).parameter;
}
