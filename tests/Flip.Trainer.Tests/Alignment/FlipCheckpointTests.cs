using Flip.FeatureStore.Schema;
using Flip.FeatureStore.Vocabulary;
using Flip.Trainer.Alignment;
using Flip.Trainer.IdModels;
using Flip.Trainer.Plm;
using Flip.Trainer.Tests.Plm;
using static TorchSharp.torch;

namespace Flip.Trainer.Tests.Alignment;

public sealed class FlipCheckpointTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("flip-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static (DatasetSchema, FeatureVocabulary) SyntheticVocabulary()
    {
        var schema = new DatasetSchema("synthetic", Enumerable.Range(0, SyntheticPairs.Fields).Select(f => new FieldSchema($"f{f}", $"field {f}")).ToArray(), new LabelRule(3));
        var vocabulary = new FeatureVocabulary(schema);
        for (var f = 0; f < SyntheticPairs.Fields; f++)
            for (var v = 0; v < SyntheticPairs.ValuesPerField; v++)
                Assert.Equal(SyntheticPairs.FeatureId(f, v), vocabulary.Observe(f, $"v{v}"));
        return (schema, vocabulary);
    }

    [Fact]
    public void PretrainedCheckpointRoundTripsPlmIdModelAndHeads()
    {
        var (schema, vocabulary) = SyntheticVocabulary();
        manual_seed(8);
        var id = new CtrModelIdEncoder(CtrModelFactory.Create("dcnv2", vocabulary.Count, schema.FieldCount));
        using var model = new FlipPretrainingModel(new BertForMaskedLM(TinyBert.Config()), id, schema.FieldCount, vocabulary.Count,
            FlipObjectives.For(FlipAblation.None), FlipTestModels.Heads);
        model.eval();
        FlipCheckpoint.SavePretrained(_dir, model, TinyBert.Vocabulary, vocabulary, new FlipCheckpointManifest { Dataset = "synthetic", PlmSource = "test" });

        var loaded = FlipCheckpoint.Load(_dir, schema);
        using var plm = loaded.Plm;
        using var idModel = loaded.Id.Model;
        Assert.Equal("synthetic", loaded.Manifest.Dataset);
        Assert.True(File.Exists(Path.Combine(_dir, "plm", "model.safetensors")));
        Assert.Equal(vocabulary.Count, loaded.Id.Vocabulary.Count);

        using var batch = FlipTestModels.MaskedBatch();
        plm.Model.eval();
        idModel.eval();
        using var expectedText = model.Plm.Bert.call(batch.TokenIds, batch.AttentionMask);
        using var actualText = plm.Model.Bert.call(batch.TokenIds, batch.AttentionMask);
        Assert.True(expectedText.equal(actualText).all().item<bool>());
        Assert.True(id.Model.forward(batch.FeatureIds).Representation.equal(idModel.forward(batch.FeatureIds).Representation).all().item<bool>());

        // Heads come back into a fresh model.
        using var fresh = new FlipPretrainingModel(plm.Model, new CtrModelIdEncoder(idModel), schema.FieldCount, vocabulary.Count,
            FlipObjectives.For(FlipAblation.None), FlipTestModels.Heads);
        fresh.eval();
        FlipCheckpoint.LoadHeads(_dir, fresh);
        using var a = model.call(batch);
        using var b = fresh.call(batch);
        Assert.Equal(a.Total.item<float>(), b.Total.item<float>(), 5);
    }

    [Fact]
    public void FolderWithoutManifestIsNotACheckpoint()
    {
        var e = Assert.Throws<FileNotFoundException>(() => FlipCheckpoint.ReadManifest(_dir));
        Assert.Contains("not a FLIP checkpoint", e.Message);
    }
}
