using Flip.Trainer.Alignment;
using Flip.Trainer.Evaluation;
using Flip.Trainer.Plm;
using Flip.Trainer.Tests.Plm;
using static TorchSharp.torch;

namespace Flip.Trainer.Tests.Alignment;

/// <summary>The review's deviations from the paper and the authors' code, fixed (docs/flip-alignment.md, "Fixed after review").</summary>
public class FlipFixesTests
{
    [Fact]
    public void MtmOutputBiasStartsAtLogQSoEveryCandidateStartsNearMinusLogK()
    {
        using var model = FlipTestModels.Pretraining();
        var noise = SyntheticPairs.Noise();
        model.InitializeNceBias(noise);
        var bias = model.named_parameters().Single(p => p.name == "mtm_head.output_bias").parameter;
        for (var id = 0; id < noise.VocabularySize; id++)
        {
            var q = noise.ProbabilityOf(id);
            Assert.Equal(q > 0 ? Math.Log(q) : 0, bias[id].item<float>(), 4);
        }
        // With zero field representations the noise-corrected logit s - log(K q) is then exactly -log K for every id.
        var k = FlipTestModels.Heads.NoiseSamples;
        using var fields = zeros(1, SyntheticPairs.Fields, FlipTestModels.Heads.MtmEmbeddingSize);
        var ids = new long[] { SyntheticPairs.FeatureId(0, 0), SyntheticPairs.FeatureId(0, 1) };
        using var candidates = tensor(ids).view(1, 1, 2).expand(1, SyntheticPairs.Fields, 2).contiguous();
        using var scores = model.MtmHead.Score(fields, candidates);
        foreach (var (id, j) in ids.Select((id, j) => (id, j)))
            Assert.Equal(-Math.Log(k), scores[0, 0, j].item<float>() - Math.Log(k * noise.ProbabilityOf((int)id)), 4);
    }

    [Fact]
    public void IclProjectionsAreNormalisedSoTheWeightScaleCannotAbsorbTheTemperature()
    {
        manual_seed(3);
        using var heads = new IclProjectionHeads(12, 8, 6, temperature: 0.7);
        using var cls = randn(10, 12);
        using var row = randn(10, 8);
        var before = heads.call(cls, row).item<float>();
        using (no_grad())
            foreach (var p in heads.parameters()) p.mul_(10);
        Assert.Equal(before, heads.call(cls, row).item<float>(), 4);
        // ... while the temperature does change the loss.
        manual_seed(3);
        using var hotter = new IclProjectionHeads(12, 8, 6, temperature: 0.1);
        Assert.NotEqual(before, hotter.call(cls, row).item<float>(), 2);
    }

    [Fact]
    public void FinetuningGivesThePlmItsOwnLearningRateGroup()
    {
        using var model = FinetuneModel();
        var options = new FlipFinetuningOptions { LearningRate = 1e-3, PlmLearningRate = 5e-5 };
        using var optimizer = FlipFinetuner.CreateOptimizer(model, options);
        var groups = optimizer.ParamGroups.ToList();
        var plmGroup = (TorchSharp.Modules.AdamW.ParamGroup)groups[0];
        var restGroup = (TorchSharp.Modules.AdamW.ParamGroup)groups[1];
        Assert.Equal(2, groups.Count);
        Assert.Equal(5e-5, groups[0].LearningRate);
        Assert.Equal(1e-3, groups[1].LearningRate);
        Assert.Equal(model.Plm.parameters().Count(), plmGroup.Parameters.Count());
        Assert.Equal(model.parameters().Count(), plmGroup.Parameters.Count() + restGroup.Parameters.Count());
    }

    [Theory]
    [InlineData(FlipLearningRateSchedule.Cosine)]
    [InlineData(FlipLearningRateSchedule.Constant)]
    public void FinetuningScheduleDecaysToZeroOrStaysAtThePeak(FlipLearningRateSchedule kind)
    {
        using var model = FinetuneModel();
        var options = new FlipFinetuningOptions { LearningRate = 1e-3, PlmLearningRate = 5e-5, Schedule = kind };
        using var optimizer = FlipFinetuner.CreateOptimizer(model, options);
        var schedule = FlipFinetuner.CreateSchedule(optimizer, options, totalSteps: 10);
        for (var i = 0; i < 10; i++)
        {
            optimizer.step();
            schedule?.step();
        }
        var rates = optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();
        if (kind == FlipLearningRateSchedule.Cosine) Assert.All(rates, r => Assert.True(r < 1e-12, $"lr {r} after the last step"));
        else Assert.Equal([5e-5, 1e-3], rates);
    }

    [Fact]
    public void FinetuningKeepsTheBestValidationEpochAndStopsEarly()
    {
        using var model = FinetuneModel();
        var train = SyntheticPairs.Many(96, 3);
        // Validation labels are the training labels flipped: the better the fit, the worse the validation AUC, so
        // epoch 1 is best and epoch 2 (patience 1) ends training.
        var validation = train.Select(p => p with { Label = (byte)(1 - p.Label) }).ToArray();
        var options = new FlipFinetuningOptions { Mode = FlipFinetuneMode.FlipId, Epochs = 6, Patience = 1, BatchSize = 16, LearningRate = 3e-2 };
        var finetuner = new FlipFinetuner(model, options);
        var report = finetuner.Train(train, validation);
        Assert.Equal(1, report.BestEpoch);
        Assert.Equal(2, report.EpochsRun);
        Assert.Equal(2, report.EpochLosses.Count);
        // The kept weights are epoch 1's: scoring validation again gives the reported AUC.
        var labels = validation.Select(v => (float)v.Label).ToArray();
        Assert.Equal(report.ValidationAuc!.Value, BinaryMetrics.RocAuc(finetuner.Predict(validation), labels), 6);
    }

    [Fact]
    public void NoiseFrequenciesComeFromThePretrainingPairsOnly()
    {
        var schema = new Flip.FeatureStore.Schema.DatasetSchema("t", [new Flip.FeatureStore.Schema.FieldSchema("a", "a")], new Flip.FeatureStore.Schema.LabelRule(3));
        var vocabulary = new Flip.FeatureStore.Vocabulary.FeatureVocabulary(schema);
        var seenInTrain = vocabulary.Observe(0, "x");
        var onlyInValidation = vocabulary.Observe(0, "y");
        for (var i = 0; i < 50; i++) vocabulary.Observe(0, "y"); // validation counts the vocabulary holds
        var pair = SyntheticPairs.Make([0, 0, 0, 0]) with { FeatureIds = [seenInTrain] };
        var noise = FeatureNoiseDistribution.FromPairs(vocabulary, [pair, pair, pair], smoothing: 1);
        // counts: x 3 (+1), y 0 (+1), the field's unknown id 0 (+1).
        Assert.Equal(4.0 / 6, noise.ProbabilityOf(seenInTrain), 6);
        Assert.Equal(1.0 / 6, noise.ProbabilityOf(onlyInValidation), 6);
    }

    [Fact]
    public void PretrainingIsReproducibleWhateverTheGlobalGeneratorStateBefore()
    {
        double[] Run(int perturbation)
        {
            using var model = FlipTestModels.Pretraining(seed: 21);
            using (rand(perturbation)) { } // move the process-global generator, as other work would
            var options = new FlipPretrainingOptions { BatchSize = 8, Epochs = 1, Heads = FlipTestModels.Heads, Seed = 5 };
            var report = new FlipPretrainer(model, SyntheticPairs.Noise(), TinyBert.Vocabulary.MaskId, options).Train(SyntheticPairs.Many(32, 2));
            return report.Epochs.Select(e => e.Total).ToArray();
        }
        Assert.Equal(Run(3), Run(17));
    }

    [Fact]
    public void PretrainingKeepsOneLearningRateUnlessTheHeadsGetTheirOwnGroup()
    {
        using var model = FlipTestModels.Pretraining();
        using (var single = FlipPretrainer.CreateOptimizer(model, new FlipPretrainingOptions { LearningRate = 5e-5 }))
            Assert.Equal(5e-5, Assert.Single(single.ParamGroups).LearningRate);
        using var optimizer = FlipPretrainer.CreateOptimizer(model, new FlipPretrainingOptions { LearningRate = 5e-5, HeadLearningRate = 1e-3 });
        var groups = optimizer.ParamGroups.ToList();
        Assert.Equal(2, groups.Count);
        Assert.Equal(5e-5, groups[0].LearningRate);
        Assert.Equal(1e-3, groups[1].LearningRate);
        var plmGroup = (TorchSharp.Modules.AdamW.ParamGroup)groups[0];
        var restGroup = (TorchSharp.Modules.AdamW.ParamGroup)groups[1];
        Assert.Equal(model.Plm.parameters().Count(), plmGroup.Parameters.Count());
        Assert.Equal(model.parameters().Count(), plmGroup.Parameters.Count() + restGroup.Parameters.Count());
        Assert.Throws<ArgumentOutOfRangeException>(() => FlipPretrainer.CreateOptimizer(model, new FlipPretrainingOptions { HeadLearningRate = 0 }));
    }

    [Fact]
    public void OnePretrainingStepMovesThePlmAtItsRateAndTheHeadsAtTheirs()
    {
        // Adam's first step moves every weight by about lr (the update is m / sqrt(v) = ±1 per weight), so the largest
        // change of each group shows which rate it got.
        using var model = FlipTestModels.Pretraining(seed: 3);
        var plmHandles = new HashSet<IntPtr>(model.Plm.parameters().Select(p => p.Handle));
        var before = model.parameters().Select(p => (Plm: plmHandles.Contains(p.Handle), Param: p, Value: p.detach().clone())).ToList();
        var options = new FlipPretrainingOptions { BatchSize = 16, Epochs = 1, LearningRate = 1e-5, HeadLearningRate = 1e-2, WeightDecay = 0, Heads = FlipTestModels.Heads, Seed = 2 };
        var report = new FlipPretrainer(model, SyntheticPairs.Noise(), TinyBert.Vocabulary.MaskId, options).Train(SyntheticPairs.Many(16, 2));
        Assert.Equal(1, report.Steps);
        double MaxChange(bool plm) => before.Where(b => b.Plm == plm).Max(b => (b.Param.detach() - b.Value).abs().max().item<float>());
        var plmChange = MaxChange(plm: true);
        var headChange = MaxChange(plm: false);
        Assert.InRange(plmChange, 1e-6, 1.5e-5);
        Assert.InRange(headChange, 5e-3, 1.5e-2);
        foreach (var b in before) b.Value.Dispose();
    }

    static FlipFinetuneModel FinetuneModel()
    {
        manual_seed(13);
        var plm = new BertForMaskedLM(TinyBert.Config());
        return new FlipFinetuneModel(plm, new StandInIdEncoder(SyntheticPairs.FeatureVocabularySize, SyntheticPairs.Fields), FlipFinetuneMode.Flip);
    }
}
