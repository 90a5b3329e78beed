using Flip.Trainer.Alignment;
using Flip.Trainer.Plm;
using Flip.Trainer.Tests.Plm;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Flip.Trainer.Tests.Alignment;

public sealed class FlipFinetuneModelTests
{
    static FlipFinetuneModel Model(FlipFinetuneMode mode, bool bf16 = false)
    {
        manual_seed(17);
        var plm = new BertForMaskedLM(TinyBert.Config());
        var id = new StandInIdEncoder(SyntheticPairs.FeatureVocabularySize, SyntheticPairs.Fields);
        return new FlipFinetuneModel(plm, id, mode, bf16);
    }

    [Fact]
    public void CombinedLogitMixesBranchesByAlphaAndLossSumsThreeBces()
    {
        using var model = Model(FlipFinetuneMode.Flip);
        model.eval();
        using var batch = FlipBatch.Create(SyntheticPairs.Many(8, 2), CPU);
        using var prediction = model.call(batch);

        Assert.Equal(0.5, model.Alpha, 6);
        var expected = 0.5 * prediction.IdLogit! + 0.5 * prediction.PlmLogit!;
        Assert.True(prediction.Logit.allclose(expected));
        using var loss = model.Loss(prediction, batch.Labels);
        var sum = F.binary_cross_entropy_with_logits(prediction.Logit, batch.Labels)
                  + F.binary_cross_entropy_with_logits(prediction.IdLogit!, batch.Labels)
                  + F.binary_cross_entropy_with_logits(prediction.PlmLogit!, batch.Labels);
        Assert.Equal(sum.item<float>(), loss.item<float>(), 5);
    }

    [Fact]
    public void AlphaIsLearnedAndTheModelFitsTheLabels()
    {
        using var model = Model(FlipFinetuneMode.Flip);
        var train = SyntheticPairs.Many(96, 3);
        var options = new FlipFinetuningOptions { Epochs = 10, Patience = 10, BatchSize = 16, LearningRate = 3e-3, PlmLearningRate = 3e-3 };
        var report = new FlipFinetuner(model, options).Train(train, validation: train);

        Assert.NotEqual(0.5, report.Alpha, 4);
        Assert.Equal(model.Alpha, report.Alpha);
        Assert.True(report.EpochLosses[^1] < report.EpochLosses[0], string.Join(", ", report.EpochLosses));
        Assert.True(report.ValidationAuc > 0.9, $"AUC {report.ValidationAuc}");
    }

    [Theory]
    [InlineData(FlipFinetuneMode.FlipId)]
    [InlineData(FlipFinetuneMode.FlipPlm)]
    public void SingleBranchModesUseOnlyTheirModel(FlipFinetuneMode mode)
    {
        using var model = Model(mode);
        using var batch = FlipBatch.Create(SyntheticPairs.Many(8, 2), CPU);
        using var prediction = model.call(batch);
        Assert.Equal(mode == FlipFinetuneMode.FlipId, prediction.IdLogit is not null);
        Assert.Equal(mode == FlipFinetuneMode.FlipPlm, prediction.PlmLogit is not null);
        using var loss = model.Loss(prediction, batch.Labels);
        loss.backward();
        var idGrad = model.IdModel.Module.parameters().First().grad;
        var plmGrad = model.Plm.named_parameters().Single(p => p.name == "bert.encoder.layer.1.output.dense.weight").parameter.grad;
        Assert.Equal(mode == FlipFinetuneMode.FlipId, idGrad is not null && idGrad.abs().sum().item<float>() > 0);
        Assert.Equal(mode == FlipFinetuneMode.FlipPlm, plmGrad is not null && plmGrad.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void Bf16FinetuningPredictsCloseToFp32()
    {
        using var fp32 = Model(FlipFinetuneMode.Flip);
        using var bf16 = Model(FlipFinetuneMode.Flip, bf16: true);
        bf16.load_state_dict(fp32.state_dict());
        var pairs = SyntheticPairs.Many(16, 4);
        var a = new FlipFinetuner(fp32, new FlipFinetuningOptions()).Predict(pairs);
        var b = new FlipFinetuner(bf16, new FlipFinetuningOptions()).Predict(pairs);
        for (var i = 0; i < a.Length; i++) Assert.InRange(Math.Abs(a[i] - b[i]), 0, 0.02);
    }
}
