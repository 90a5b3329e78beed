using Flip.Trainer.Plm;
using static TorchSharp.torch;

namespace Flip.Trainer.Tests.Plm;

public sealed class BertModelTests
{
    [Fact]
    public void PaddingTokensDoNotChangeTheOutputsOfRealTokens()
    {
        manual_seed(3);
        using var model = new BertForMaskedLM(TinyBert.Config());
        model.eval();
        var shortIds = tensor(new long[,] { { 2, 7, 8, 9, 3 } });
        var shortMask = ones(1, 5, dtype: ScalarType.Int64);
        // Same sequence padded with arbitrary (non-[PAD]) ids: only the mask may keep them out.
        var paddedIds = tensor(new long[,] { { 2, 7, 8, 9, 3, 40, 41, 42 } });
        var paddedMask = tensor(new long[,] { { 1, 1, 1, 1, 1, 0, 0, 0 } });

        using var expected = model.Bert.call(shortIds, shortMask);
        using var padded = model.Bert.call(paddedIds, paddedMask);
        using var unmasked = model.Bert.call(paddedIds, ones(1, 8, dtype: ScalarType.Int64));

        Assert.True(padded[.., ..5].allclose(expected, rtol: 1e-4, atol: 1e-5));
        Assert.False(unmasked[.., ..5].allclose(expected, rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void MlmLogitsUseTiedWordEmbeddings()
    {
        manual_seed(4);
        using var model = new BertForMaskedLM(TinyBert.Config(layers: 1));
        model.eval();
        var ids = tensor(new long[,] { { 2, 7, 3 } });
        var mask = ones(1, 3, dtype: ScalarType.Int64);
        using var logits = model.call(ids, mask);
        Assert.Equal([1L, 3, TinyBert.Vocabulary.Count], logits.shape);

        using (no_grad()) model.Bert.Embeddings.WordEmbeddingWeight[20].add_(5.0);
        using var changed = model.call(ids, mask);
        // Row 20 is not an input token, so only its logit column changes: the decoder reads the embedding table.
        Assert.False(changed[.., .., 20].allclose(logits[.., .., 20]));
        Assert.True(changed[.., .., 21].allclose(logits[.., .., 21]));
    }
}
