using Flip.FeatureStore.Text;
using Flip.Trainer.Alignment;

namespace Flip.Trainer.Tests.Alignment;

public sealed class FlipMaskerTests
{
    const int MaskToken = 4;

    static TextTabularPair EightFields()
    {
        // [CLS] then 8 fields of "name v v" (value lengths 1..2), [SEP], padding.
        var tokens = new List<int> { 2 };
        var spans = new FieldSpan[8];
        for (var f = 0; f < 8; f++)
        {
            tokens.Add(50 + f);
            var length = 1 + f % 2;
            spans[f] = new FieldSpan(tokens.Count, length);
            for (var k = 0; k < length; k++) tokens.Add(10 + f * 3 + k);
        }
        tokens.Add(3);
        var mask = tokens.Select(_ => (byte)1).Concat(new byte[2]).ToArray();
        tokens.AddRange([0, 0]);
        return new TextTabularPair(tokens.ToArray(), mask, spans, Enumerable.Range(100, 8).ToArray(), 0, 1);
    }

    [Theory]
    [InlineData(0.15, 1)]   // round(1.2)
    [InlineData(0.3, 2)]    // round(2.4)
    [InlineData(0.5, 4)]
    [InlineData(0.01, 1)]   // at least one
    public void FieldLevelMaskingMasksWholeValuesOfRoundedFieldCount(double ratio, int fields)
    {
        var pair = EightFields();
        var masker = new FlipMasker(MaskToken, ratio, ratio);
        for (var seed = 0; seed < 20; seed++)
        {
            var masked = masker.Mask(pair, new Random(seed));

            Assert.Equal(fields, masked.TextMaskedFields.Length);
            var expectedMasked = masked.TextMaskedFields.SelectMany(f => Enumerable.Range(pair.ValueSpans[f].Start, pair.ValueSpans[f].Length)).ToHashSet();
            for (var p = 0; p < pair.TokenIds.Length; p++)
            {
                if (expectedMasked.Contains(p))
                {
                    Assert.Equal(MaskToken, masked.TokenIds[p]);
                    Assert.Equal(pair.TokenIds[p], masked.MlmLabels[p]);
                }
                else
                {
                    Assert.Equal(pair.TokenIds[p], masked.TokenIds[p]);
                    Assert.Equal(FlipMasker.IgnoreLabel, masked.MlmLabels[p]);
                }
            }
            Assert.Equal(fields, masked.MaskedFields.Count(m => m));
            for (var f = 0; f < 8; f++)
                Assert.Equal(masked.MaskedFields[f] ? FlipMasker.TabularMaskId : pair.FeatureIds[f], masked.FeatureIds[f]);
        }
    }

    [Fact]
    public void TextAndTabularFieldsAreChosenIndependently()
    {
        var pair = EightFields();
        var masker = new FlipMasker(MaskToken);
        var differ = Enumerable.Range(0, 50).Select(s => masker.Mask(pair, new Random(s)))
            .Count(m => m.TextMaskedFields[0] != Array.IndexOf(m.MaskedFields, true));
        Assert.InRange(differ, 30, 50); // 7/8 expected when independent; 0 if they were tied together
    }

    [Fact]
    public void TruncatedFieldsAreNeverTextMasked()
    {
        var pair = EightFields();
        var spans = pair.ValueSpans.Select((s, f) => f == 3 ? s : new FieldSpan(0, 0)).ToArray();
        var truncated = pair with { ValueSpans = spans, TruncatedFields = 7 };
        var masked = new FlipMasker(MaskToken, 0.5, 0.5).Mask(truncated, new Random(1));
        Assert.Equal([3], masked.TextMaskedFields);
    }

    [Fact]
    public void TokenLevelMaskingMasksRoundedShareOfValueTokens()
    {
        var pair = EightFields();
        var valueTokens = pair.ValueSpans.Sum(s => s.Length); // 12
        var masked = new FlipMasker(MaskToken, 0.15, 0.15, tokenLevel: true).Mask(pair, new Random(5));
        Assert.Equal(2, masked.MlmLabels.Count(l => l != FlipMasker.IgnoreLabel)); // round(1.8)
        Assert.Equal(12, valueTokens);
        Assert.Empty(masked.TextMaskedFields);
        var valuePositions = pair.ValueSpans.SelectMany(s => Enumerable.Range(s.Start, s.Length)).ToHashSet();
        Assert.All(Enumerable.Range(0, pair.TokenIds.Length).Where(p => masked.MlmLabels[p] != FlipMasker.IgnoreLabel), p => Assert.Contains(p, valuePositions));
    }
}

public sealed class FlipBatchTests
{
    [Fact]
    public void BatchIsCutToItsLongestTextAndKeepsTheMaskedViewsAligned()
    {
        var pairs = SyntheticPairs.Many(6, 9);
        var longest = pairs.Max(p => p.AttentionMask.Count(m => m == 1));
        Assert.True(longest < SyntheticPairs.Length);

        using var batch = FlipBatch.CreateMasked(pairs, new FlipMasker(Plm.TinyBert.Vocabulary.MaskId), SyntheticPairs.Noise(), 3, new Random(1), TorchSharp.torch.CPU);

        Assert.Equal([6L, longest], batch.TokenIds.shape);
        Assert.Equal([6L, longest], batch.MaskedTokenIds!.shape);
        Assert.Equal([6L, longest], batch.MlmLabels!.shape);
        Assert.Equal(pairs.Sum(p => p.AttentionMask.Count(m => m == 1)), batch.AttentionMask.sum().item<long>());
        Assert.Equal(pairs[0].TokenIds[..longest].Select(t => (long)t), batch.TokenIds[0].data<long>().ToArray());
    }
}
