using Flip.FeatureStore.Readers;
using Flip.FeatureStore.Text;
using Flip.FeatureStore.Vocabulary;
using Flip.Trainer.Plm;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static TorchSharp.torch;

namespace Flip.Trainer.Tests.Plm.Import;

/// <summary>
/// The imported MiniLM in this repository's TorchSharp BERT against ONNX Runtime running the package's original
/// model.onnx, on real MovieLens-1M texts from the pair builder (../shared/datasets, present in CI).
/// </summary>
public sealed class OnnxEquivalenceTests(Xunit.Abstractions.ITestOutputHelper output)
{
    const int Texts = 64;

    [Fact]
    public void TorchSharpBertWithImportedWeightsMatchesOnnxRuntimeOnMovieLensTexts()
    {
        var reader = DatasetCatalog.Open("movielens-1m", RepoPaths.Shared("datasets", "movielens-1m"));
        // Every 500th of the first 32,000 events: many users and movies, not one user's first ratings.
        var events = reader.ReadEvents().Take(Texts * 500).Where((_, i) => i % 500 == 0).ToList();
        var vocabulary = FeatureVocabulary.Build(reader.Schema, events);
        var tokenizer = BertWordPieceTokenizer.Load(Path.Combine(ImportedMiniLm.Folder, BertCheckpoint.VocabFile));
        var pairs = new TextTabularPairBuilder(reader.Schema, vocabulary, tokenizer).BuildBatch(events);
        Assert.Equal(Texts, pairs.Count);
        var (b, l) = (pairs.Count, pairs.SequenceLength);
        var mask = pairs.AttentionMask.Select(m => m ? 1L : 0L).ToArray();
        output.WriteLine($"{b} texts, {mask.Sum() / (double)b:F1} real tokens each on average, padded to {l}");

        float[] reference;
        using (var session = new InferenceSession(ImportedMiniLm.ModelBytes))
        {
            var shape = new[] { b, l };
            using var results = session.Run(
            [
                NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(pairs.TokenIds, shape)),
                NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(mask, shape)),
                NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(new long[b * l], shape)),
            ], ["last_hidden_state"]);
            reference = results.Single().AsTensor<float>().ToArray();
        }

        using var plm = BertCheckpoint.Load(ImportedMiniLm.Folder);
        plm.Model.eval();
        float[] actual;
        using (no_grad())
        {
            using var ids = tensor(pairs.TokenIds, [b, l]);
            using var attention = tensor(mask, [b, l]);
            using var hidden = plm.Model.Bert.Forward(ids, attention);
            Assert.Equal(new long[] { b, l, 384 }, hidden.shape);
            actual = hidden.contiguous().data<float>().ToArray();
        }

        Assert.Equal(reference.Length, actual.Length);
        double maxReal = 0, maxAll = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            var diff = Math.Abs(actual[i] - reference[i]);
            maxAll = Math.Max(maxAll, diff);
            if (mask[i / 384] == 1) maxReal = Math.Max(maxReal, diff);
        }
        output.WriteLine($"max |TorchSharp - ONNX Runtime|: {maxReal:E2} on real tokens, {maxAll:E2} on all positions");
        Assert.True(maxAll < 1e-4, $"max abs diff {maxAll:E2} (real tokens {maxReal:E2})");
    }

    [Fact]
    public void PackageVocabularyHasTheSameTokensAsTheSharedBertBaseUncasedVocabulary()
    {
        // The package's vocab.txt differs from bert-base-uncased's only in line ends (CRLF): the tokens, and so the
        // text pairs built with either file, are identical (docs/flip-alignment.md).
        var package = ImportedMiniLm.Package.ReadVocabulary();
        var shared = BertVocabulary.Load(RepoPaths.BertVocab).Tokens;
        Assert.Equal(30522, package.Count);
        Assert.Equal(shared, package);
    }
}
