using Flip.FeatureStore.Text;

namespace Flip.Trainer.Alignment;

/// <summary>The masked views of one text-tabular pair.</summary>
/// <param name="TokenIds">Token ids with the masked tokens replaced by [MASK].</param>
/// <param name="MlmLabels">Original token id at masked positions, <see cref="FlipMasker.IgnoreLabel"/> elsewhere.</param>
/// <param name="FeatureIds">Feature ids with the masked fields replaced by the shared &lt;MASK&gt; id.</param>
/// <param name="MaskedFields">True for the fields whose feature is masked (MTM targets).</param>
/// <param name="TextMaskedFields">Fields whose value tokens were masked (field-level masking; empty for token-level).</param>
public sealed record MaskedPair(int[] TokenIds, int[] MlmLabels, int[] FeatureIds, bool[] MaskedFields, int[] TextMaskedFields);

/// <summary>
/// FLIP's masking (paper 3.3.1): field-level text masking replaces every token of round(r_text·F) chosen fields'
/// values with [MASK]; tabular masking independently replaces round(r_tab·F) fields' ids with the shared &lt;MASK&gt;.
/// Token-level masking (ablation) masks round(r_text·T) of the T value tokens instead. At least one of each is masked.
/// </summary>
public sealed class FlipMasker(int textMaskTokenId, double textRatio = 0.15, double tabularRatio = 0.15, bool tokenLevel = false)
{
    /// <summary>Label of positions that are not MLM targets (cross_entropy's ignore_index).</summary>
    public const int IgnoreLabel = -100;
    public const int TabularMaskId = 1;

    public MaskedPair Mask(TextTabularPair pair, Random random)
    {
        var tokens = (int[])pair.TokenIds.Clone();
        var labels = Enumerable.Repeat(IgnoreLabel, tokens.Length).ToArray();
        var fieldCount = pair.FeatureIds.Length;
        int[] textFields = [];

        if (tokenLevel)
        {
            var valueTokens = pair.ValueSpans.SelectMany(s => Enumerable.Range(s.Start, s.Length)).ToArray();
            foreach (var position in Choose(valueTokens, CountFor(textRatio, valueTokens.Length), random)) MaskToken(position);
        }
        else
        {
            var present = Enumerable.Range(0, pair.ValueSpans.Length).Where(f => pair.ValueSpans[f].IsPresent).ToArray();
            textFields = Choose(present, Math.Min(present.Length, CountFor(textRatio, fieldCount)), random);
            Array.Sort(textFields);
            foreach (var f in textFields)
                for (var p = pair.ValueSpans[f].Start; p < pair.ValueSpans[f].Start + pair.ValueSpans[f].Length; p++) MaskToken(p);
        }

        var features = (int[])pair.FeatureIds.Clone();
        var masked = new bool[fieldCount];
        foreach (var f in Choose(Enumerable.Range(0, fieldCount).ToArray(), CountFor(tabularRatio, fieldCount), random))
        {
            masked[f] = true;
            features[f] = TabularMaskId;
        }
        return new MaskedPair(tokens, labels, features, masked, textFields);

        void MaskToken(int position)
        {
            labels[position] = tokens[position];
            tokens[position] = textMaskTokenId;
        }
    }

    /// <summary>round(ratio·n) (half away from zero), at least 1 when n &gt; 0.</summary>
    public static int CountFor(double ratio, int n) => n == 0 ? 0 : Math.Clamp((int)Math.Round(ratio * n, MidpointRounding.AwayFromZero), 1, n);

    static int[] Choose(int[] items, int count, Random random)
    {
        // Partial Fisher-Yates: the first `count` slots become a uniform sample without replacement.
        var pool = (int[])items.Clone();
        for (var i = 0; i < count; i++)
        {
            var j = random.Next(i, pool.Length);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }
        return pool[..count];
    }
}
