using Flip.Trainer.Plm;
using Flip.Trainer.Safetensors;
using static TorchSharp.torch;

namespace Flip.Trainer.Tests.Plm;

public sealed class BertCheckpointTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("flip-bert-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static (Tensor ids, Tensor mask) Batch()
    {
        var ids = tensor(new long[,] { { 2, 7, 8, 9, 3, 0 }, { 2, 10, 11, 12, 13, 3 } });
        var mask = tensor(new long[,] { { 1, 1, 1, 1, 1, 0 }, { 1, 1, 1, 1, 1, 1 } });
        return (ids, mask);
    }

    BertForMaskedLM SaveRandom(string folder)
    {
        manual_seed(1);
        var model = new BertForMaskedLM(TinyBert.Config());
        model.eval();
        BertCheckpoint.Save(model, TinyBert.Vocabulary, Path.Combine(_dir, folder));
        return model;
    }

    [Fact]
    public void SavedFolderHasHuggingFaceLayoutAndLoadsWithIdenticalOutputs()
    {
        var model = SaveRandom("ckpt");
        var folder = Path.Combine(_dir, "ckpt");

        var names = SafetensorsFile.ReadHeader(Path.Combine(folder, "model.safetensors")).Entries.Select(e => e.Name).ToHashSet();
        Assert.Contains("bert.embeddings.word_embeddings.weight", names);
        Assert.Contains("bert.embeddings.token_type_embeddings.weight", names);
        Assert.Contains("bert.embeddings.LayerNorm.weight", names);
        Assert.Contains("bert.encoder.layer.0.attention.self.query.weight", names);
        Assert.Contains("bert.encoder.layer.1.attention.output.LayerNorm.bias", names);
        Assert.Contains("bert.encoder.layer.1.intermediate.dense.weight", names);
        Assert.Contains("bert.encoder.layer.1.output.dense.bias", names);
        Assert.Contains("bert.pooler.dense.weight", names);
        Assert.Contains("cls.predictions.transform.dense.weight", names);
        Assert.Contains("cls.predictions.transform.LayerNorm.weight", names);
        Assert.Contains("cls.predictions.bias", names);
        Assert.Equal(2 * 16 + 5 + 2 + 5, names.Count);
        var config = File.ReadAllText(Path.Combine(folder, "config.json"));
        Assert.Contains("\"hidden_size\": 32", config);
        Assert.Contains("\"num_hidden_layers\": 2", config);

        using var loaded = BertCheckpoint.Load(folder);
        loaded.Model.eval();
        Assert.False(loaded.IsRandomlyInitialised);
        Assert.Empty(loaded.Warnings);
        Assert.Equal(TinyBert.Config(), loaded.Config);
        Assert.Equal(TinyBert.Vocabulary.Tokens, loaded.Vocabulary.Tokens);
        var (ids, mask) = Batch();
        using var expected = model.call(ids, mask);
        using var actual = loaded.Model.call(ids, mask);
        Assert.True(expected.equal(actual).all().item<bool>());
    }

    [Fact]
    public void MissingTensorIsAClearErrorNamingIt()
    {
        SaveRandom("ckpt");
        var file = Path.Combine(_dir, "ckpt", "model.safetensors");
        var tensors = SafetensorsFile.Load(file);
        tensors.Remove("bert.encoder.layer.1.intermediate.dense.weight");
        SafetensorsFile.Save(file, tensors);

        var e = Assert.Throws<InvalidDataException>(() => BertCheckpoint.Load(Path.Combine(_dir, "ckpt")));
        Assert.Contains("missing 1 required tensor(s): bert.encoder.layer.1.intermediate.dense.weight", e.Message);
    }

    [Fact]
    public void MisShapedTensorIsAClearErrorNamingIt()
    {
        SaveRandom("ckpt");
        var file = Path.Combine(_dir, "ckpt", "model.safetensors");
        var tensors = SafetensorsFile.Load(file);
        tensors["bert.encoder.layer.0.attention.self.key.weight"] = zeros(32, 16);
        SafetensorsFile.Save(file, tensors);

        var e = Assert.Throws<InvalidDataException>(() => BertCheckpoint.Load(Path.Combine(_dir, "ckpt")));
        Assert.Contains("'bert.encoder.layer.0.attention.self.key.weight' has shape [32, 16] but the config expects [32, 32]", e.Message);
    }

    [Fact]
    public void BareBertModelWithLegacyNamesLoadsAndWarnsAboutExtrasAndRandomHead()
    {
        var model = SaveRandom("ckpt");
        var file = Path.Combine(_dir, "ckpt", "model.safetensors");
        var renamed = SafetensorsFile.Load(file)
            .Where(kv => kv.Key.StartsWith("bert.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key["bert.".Length..].Replace("LayerNorm.weight", "LayerNorm.gamma").Replace("LayerNorm.bias", "LayerNorm.beta"), kv => kv.Value);
        renamed["cls.seq_relationship.weight"] = zeros(2, 32);
        renamed["embeddings.position_ids"] = arange(32, dtype: ScalarType.Int64).unsqueeze(0);
        Assert.Contains("embeddings.LayerNorm.gamma", renamed.Keys);
        SafetensorsFile.Save(file, renamed);

        using var loaded = BertCheckpoint.Load(Path.Combine(_dir, "ckpt"));
        loaded.Model.eval();

        Assert.Contains(loaded.Warnings, w => w.Contains("unexpected tensor(s) ignored: cls.seq_relationship.weight"));
        Assert.Contains(loaded.Warnings, w => w.Contains("left randomly initialised") && w.Contains("cls.predictions.bias"));
        var (ids, mask) = Batch();
        using var expected = model.Bert.call(ids, mask);
        using var actual = loaded.Model.Bert.call(ids, mask);
        Assert.True(expected.equal(actual).all().item<bool>());
    }

    [Fact]
    public void TiedDecoderWeightIsSkippedAndDecoderBiasFeedsThePredictionBias()
    {
        SaveRandom("ckpt");
        var file = Path.Combine(_dir, "ckpt", "model.safetensors");
        var tensors = SafetensorsFile.Load(file);
        var bias = tensors["cls.predictions.bias"].add(1.0);
        tensors.Remove("cls.predictions.bias");
        tensors["cls.predictions.decoder.bias"] = bias;
        tensors["cls.predictions.decoder.weight"] = tensors["bert.embeddings.word_embeddings.weight"].clone();
        SafetensorsFile.Save(file, tensors);

        using var loaded = BertCheckpoint.Load(Path.Combine(_dir, "ckpt"));

        Assert.Empty(loaded.Warnings);
        Assert.True(loaded.Model.state_dict()["cls.predictions.bias"].equal(bias).all().item<bool>());
    }

    [Fact]
    public void PickleOnlyFolderIsRefusedWithConversionAdvice()
    {
        SaveRandom("ckpt");
        var folder = Path.Combine(_dir, "ckpt");
        File.Move(Path.Combine(folder, "model.safetensors"), Path.Combine(folder, "pytorch_model.bin"));
        var e = Assert.Throws<SafetensorsFormatException>(() => BertCheckpoint.Load(folder));
        Assert.Contains("safetensors", e.Message);
    }

    [Fact]
    public void DefaultIsRandomTinyBertShapeWithUncasedVocabularyAndSaysSo()
    {
        using var checkpoint = BertCheckpoint.CreateDefault(RepoPaths.BertVocab);

        Assert.True(checkpoint.IsRandomlyInitialised);
        Assert.Contains("RANDOMLY INITIALISED", checkpoint.Warnings[0]);
        Assert.Equal(30522, checkpoint.Vocabulary.Count);
        Assert.Equal(103, checkpoint.Vocabulary.MaskId);
        Assert.Equal(101, checkpoint.Vocabulary.ClsId);
        // Shapes of huawei-noah/TinyBERT_General_4L_312D.
        var state = checkpoint.Model.state_dict();
        Assert.Equal([30522L, 312], state["bert.embeddings.word_embeddings.weight"].shape);
        Assert.Equal([1200L, 312], state["bert.encoder.layer.3.intermediate.dense.weight"].shape);
        Assert.False(state.ContainsKey("bert.encoder.layer.4.output.dense.weight"));
    }
}
