using Flip.FeatureStore.Errors;
using Flip.Trainer.IdModels;
using Flip.Trainer.Training;
using static TorchSharp.torch;

namespace Flip.Trainer.Tests.IdModels;

public class ModelZooTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static IdModelOptions Tiny() => new()
    {
        EmbeddingSize = 8,
        HiddenUnits = [32, 16],
        Afm = { AttentionSize = 8 },
        DcnV2 = { LowRank = 4, Experts = 3 },
        XDeepFm = { CinLayerSizes = [8, 8] },
        Afn = { LogarithmicNeurons = 16 },
    };

    public static TheoryData<string> Names() => new(CtrModelFactory.Names);

    [Theory]
    [MemberData(nameof(Names))]
    public void ForwardGivesOneLogitPerRowAndTheDeclaredRepresentation(string name)
    {
        using var scope = NewDisposeScope();
        const int fields = 5, numFeatures = 40;
        using var model = CtrModelFactory.Create(name, numFeatures, fields, Tiny());
        var ids = randint(0, numFeatures, [6, fields], dtype: ScalarType.Int64);
        var output = model.call(ids);
        Assert.Equal(new long[] { 6 }, output.Logit.shape);
        Assert.Equal(new long[] { 6, model.RepresentationSize }, output.Representation.shape);
        Assert.Equal(new long[] { 6, fields, 8 }, model.Embed(ids).shape);
        Assert.Equal(new long[] { numFeatures, 8 }, model.Embedding.Weight.shape);
        Assert.Equal(name, model.ModelName);
    }

    [Fact]
    public void RepresentationSizesFollowEachArchitecture()
    {
        // 8 fields x 32 dims, DNN [300, 300, 128], as on MovieLens-1M.
        int Size(string name) { using var m = CtrModelFactory.Create(name, 100, 8); return m.RepresentationSize; }
        Assert.Equal(384, Size("dcnv2"));      // cross 256 + DNN 128, the paper's v
        Assert.Equal(384, Size("dcn"));
        Assert.Equal(32, Size("afm"));
        Assert.Equal(128, Size("pnn"));
        Assert.Equal(128, Size("widedeep"));
        Assert.Equal(32 + 128, Size("deepfm"));
        Assert.Equal(32 + 64 + 128, Size("xdeepfm")); // CIN [64, 64] split half pools 32 + 64, plus DNN 128
        Assert.Equal(128, Size("afn"));
        Assert.Equal(256 + 128, Size("autoint"));
    }

    [Fact]
    public void EmbeddingsStartAsTinyNormalNoise()
    {
        using var model = CtrModelFactory.Create("dcnv2", 20_000, 8);
        var w = model.Embedding.Weight;
        Assert.InRange(w.std().item<float>(), 0.9e-4, 1.1e-4);
        Assert.InRange(w.mean().item<float>(), -1e-5, 1e-5);
    }

    [Fact]
    public void DcnV2IsAMixtureOfLowRankExpertsByDefault()
    {
        using var model = (DcnV2Model)CtrModelFactory.Create("dcnv2", 100, 8);
        var cross = Assert.IsType<Flip.Trainer.IdModels.Layers.LowRankCrossMixture>(model.Cross);
        Assert.Equal(new long[] { 2, 4, 256, 32 }, cross.U.shape);
        Assert.Equal(new long[] { 2, 4, 256, 32 }, cross.V.shape);
        Assert.Equal(new long[] { 2, 4, 32, 32 }, cross.C.shape);
        Assert.Equal(new long[] { 2, 256 }, cross.Bias.shape);
        Assert.Equal(new long[] { 2, 4, 256 }, cross.Gates.shape);
        var names = model.named_parameters().Select(p => p.name).ToList();
        Assert.Contains("cross.u", names);
        Assert.Contains("embedding.table.weight", names);
    }

    [Fact]
    public void DcnV2FullRankOptionUsesSquareCrossMatrices()
    {
        var options = new IdModelOptions { DcnV2 = { FullRank = true } };
        using var model = (DcnV2Model)CtrModelFactory.Create("dcnv2", 100, 8, options);
        Assert.IsType<Flip.Trainer.IdModels.Layers.FullRankCross>(model.Cross);
        var shapes = model.named_parameters().Where(p => p.name.StartsWith("cross.")).Select(p => p.parameter.shape).ToList();
        Assert.Contains(shapes, s => s.SequenceEqual(new long[] { 256, 256 }));
        Assert.Equal(384, model.RepresentationSize);
    }

    [Fact]
    public void UnknownNameIsRefusedWithTheKnownNames()
    {
        var e = Assert.Throws<UserInputException>(() => CtrModelFactory.Create("lr", 10, 2));
        Assert.Contains("dcnv2", e.Message);
    }

    [Fact]
    public void WrongFieldCountIsRefused()
    {
        using var model = CtrModelFactory.Create("deepfm", 10, 3, Tiny());
        using var ids = zeros([2, 4], dtype: ScalarType.Int64);
        Assert.Throws<ArgumentException>(() => model.call(ids));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryModelLearnsFeatureInteractions(string name)
    {
        var (samples, numFeatures) = SyntheticClicks.Generate(8_000, fields: 4, cardinality: 10);
        var train = samples.Slice(0, 6_000);
        var test = samples.Slice(6_000, 2_000);
        var options = new IdTrainingOptions { BatchSize = 128, LearningRate = 1e-2, MaxEpochs = 3, Patience = 3, Seed = 3 };
        IdModelTrainer.PrepareTorch(options);
        using var model = CtrModelFactory.Create(name, numFeatures, samples.FieldCount, Tiny());
        var before = IdModelEvaluator.Evaluate(model, test);
        new IdModelTrainer(options).Train(model, train, test);
        var after = IdModelEvaluator.Evaluate(model, test);
        output.WriteLine($"{name}: test AUC {before.Auc:F4} -> {after.Auc:F4}");
        Assert.InRange(before.Auc, 0.35, 0.65);
        Assert.True(after.Auc > 0.72, $"{name}: test AUC {after.Auc:F4} after training (before {before.Auc:F4})");
    }
}
