namespace Flip.FeatureStore.Text;

/// <summary>Token span [Start, Start+Length) of one field's value inside <see cref="TextTabularPair.TokenIds"/>; Length 0 when truncated away.</summary>
public readonly record struct FieldSpan(int Start, int Length)
{
    public bool IsPresent => Length > 0;
}

/// <summary>
/// The two views of one click row: the text "&lt;field&gt; is &lt;value&gt;. " tokenized with BERT WordPiece
/// ([CLS] ... [SEP], padded to the max length), and the tabular feature-id vector.
/// </summary>
public sealed record TextTabularPair(
    int[] TokenIds,
    byte[] AttentionMask,
    FieldSpan[] ValueSpans,
    int[] FeatureIds,
    int TruncatedFields,
    byte Label);
