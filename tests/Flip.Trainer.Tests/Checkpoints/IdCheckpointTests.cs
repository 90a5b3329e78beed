using Flip.FeatureStore.Events;
using Flip.FeatureStore.Vocabulary;
using Flip.Trainer.Checkpoints;
using Flip.Trainer.IdModels;
using Flip.Trainer.Training;
using static TorchSharp.torch;

namespace Flip.Trainer.Tests.Checkpoints;

public sealed class IdCheckpointTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "flip-ckpt-" + Guid.NewGuid().ToString("N"));
    private static readonly IdModelOptions Small = new() { EmbeddingSize = 8, HiddenUnits = [16, 8], DcnV2 = { LowRank = 4, Experts = 2 } };

    public void Dispose()
    {
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
    }

    private static (CtrModel Model, FeatureVocabulary Vocabulary, List<ClickEvent> Events) TrainedModel(string name = "dcnv2")
    {
        var events = SyntheticEvents.Generate(1_500);
        var vocabulary = FeatureVocabulary.Build(SyntheticEvents.Schema, events);
        var samples = EncodedDataset.Encode(events, vocabulary);
        var options = new IdTrainingOptions { BatchSize = 128, LearningRate = 1e-2, MaxEpochs = 1, Seed = 2 };
        IdModelTrainer.PrepareTorch(options);
        var model = CtrModelFactory.Create(name, vocabulary.Count, SyntheticEvents.Schema.FieldCount, Small);
        new IdModelTrainer(options).Train(model, samples.Slice(0, 1_200), samples.Slice(1_200, 300));
        return (model, vocabulary, events);
    }

    [Theory]
    [InlineData("dcnv2")]
    [InlineData("afn")] // has batch-norm buffers
    public void RoundTripGivesIdenticalPredictions(string name)
    {
        var (model, vocabulary, events) = TrainedModel(name);
        using var _ = model;
        IdCheckpoint.Save(directory, model, vocabulary, new IdTrainingOptions { Seed = 2 });
        var loaded = IdCheckpoint.Load(directory, SyntheticEvents.Schema);
        using var __ = loaded.Model;

        Assert.Equal(name, loaded.Manifest.Model);
        Assert.Equal(vocabulary.Version, loaded.Vocabulary.Version);
        Assert.Equal(vocabulary.Encode(events[7]), loaded.Vocabulary.Encode(events[7]));
        Assert.Equal(8, loaded.Model.EmbeddingSize);
        Assert.Equal(2, loaded.Manifest.Training!.Seed);
        var samples = EncodedDataset.Encode(events, vocabulary);
        Assert.Equal(IdModelEvaluator.PredictLogits(model, samples), IdModelEvaluator.PredictLogits(loaded.Model, samples));
    }

    [Fact]
    public void RefusesAVocabularyOfAnotherVersion()
    {
        var (model, vocabulary, events) = TrainedModel();
        using var _ = model;
        IdCheckpoint.Save(directory, model, vocabulary);
        vocabulary.Observe(events[0] with { Values = ["brand-new-user", "i1", "c1"] }); // grows the id space
        var e = Assert.Throws<InvalidDataException>(() => IdCheckpoint.Load(directory, vocabulary));
        Assert.Contains("vocabulary version", e.Message);
        Assert.Contains(vocabulary.Version.ToString(), e.Message);
    }

    [Fact]
    public void RefusesWeightsOfAnotherShape()
    {
        var (model, vocabulary, _) = TrainedModel();
        using var __ = model;
        IdCheckpoint.Save(directory, model, vocabulary);
        var wider = new IdModelOptions { EmbeddingSize = 8, HiddenUnits = [32, 8], DcnV2 = { LowRank = 4, Experts = 2 } };
        using var other = CtrModelFactory.Create("dcnv2", vocabulary.Count, 3, wider);
        var e = Assert.Throws<InvalidDataException>(() => IdCheckpoint.LoadWeights(directory, other));
        Assert.Contains("dnn.layers.linear0.weight", e.Message);
        Assert.Contains("[16, 24]", e.Message);
        using var deepfm = CtrModelFactory.Create("deepfm", vocabulary.Count, 3, Small);
        Assert.Contains("not 'deepfm'", Assert.Throws<InvalidDataException>(() => IdCheckpoint.LoadWeights(directory, deepfm)).Message);
    }

    [Fact]
    public void RefusesToSaveAModelThatDoesNotFitTheVocabulary()
    {
        var vocabulary = FeatureVocabulary.Build(SyntheticEvents.Schema, SyntheticEvents.Generate(100));
        using var model = CtrModelFactory.Create("widedeep", vocabulary.Count + 5, 3, Small);
        Assert.Throws<ArgumentException>(() => IdCheckpoint.Save(directory, model, vocabulary));
        Assert.False(File.Exists(Path.Combine(directory, IdCheckpoint.ManifestFileName)));
    }

    [Fact]
    public void AFolderWithoutManifestIsNotACheckpoint()
    {
        Directory.CreateDirectory(directory);
        Assert.Contains("not an ID model checkpoint", Assert.Throws<FileNotFoundException>(() => IdCheckpoint.ReadManifest(directory)).Message);
    }
}
