namespace Flip.FeatureStore.Text;

/// <summary>
/// Text-tabular pairs of N rows as flat row-major arrays, ready to become tensors without copying element by element:
/// tokens [N, L], attention mask [N, L], value spans [N, F], feature ids [N, F], labels [N].
/// </summary>
public sealed class PairBatch
{
    public PairBatch(int count, int sequenceLength, int fieldCount)
    {
        Count = count;
        SequenceLength = sequenceLength;
        FieldCount = fieldCount;
        TokenIds = new long[count * sequenceLength];
        AttentionMask = new bool[count * sequenceLength];
        SpanStart = new int[count * fieldCount];
        SpanLength = new int[count * fieldCount];
        FeatureIds = new long[count * fieldCount];
        Labels = new float[count];
        TruncatedFields = new int[count];
    }

    /// <summary>Rows (N).</summary>
    public int Count { get; }

    /// <summary>Tokens per row (L), the builder's max length.</summary>
    public int SequenceLength { get; }

    /// <summary>Fields per row (F).</summary>
    public int FieldCount { get; }

    /// <summary>[N*L] BERT token ids: [CLS] text [SEP] then [PAD].</summary>
    public long[] TokenIds { get; }

    /// <summary>[N*L] true on real tokens ([CLS] through [SEP]), false on padding.</summary>
    public bool[] AttentionMask { get; }

    /// <summary>[N*F] first token of each field's value; meaningful only where <see cref="SpanLength"/> is positive.</summary>
    public int[] SpanStart { get; }

    /// <summary>[N*F] tokens of each field's value; 0 for a field truncated away (or a value with no tokens).</summary>
    public int[] SpanLength { get; }

    /// <summary>[N*F] tabular feature ids from the <see cref="Vocabulary.FeatureVocabulary"/>.</summary>
    public long[] FeatureIds { get; }

    /// <summary>[N] click labels, 0 or 1.</summary>
    public float[] Labels { get; }

    /// <summary>[N] trailing fields dropped from each row's text to fit the max length.</summary>
    public int[] TruncatedFields { get; }

    /// <summary>Rows that lost at least one field to truncation.</summary>
    public int TruncatedRows => TruncatedFields.Count(t => t > 0);

    /// <summary>Row <paramref name="row"/> as a standalone pair (copies).</summary>
    public TextTabularPair Row(int row)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)row, (uint)Count, nameof(row));
        int l = SequenceLength, f = FieldCount;
        var tokens = new int[l];
        var mask = new byte[l];
        for (int i = 0; i < l; i++)
        {
            tokens[i] = (int)TokenIds[row * l + i];
            mask[i] = AttentionMask[row * l + i] ? (byte)1 : (byte)0;
        }
        var spans = new FieldSpan[f];
        var ids = new int[f];
        for (int j = 0; j < f; j++)
        {
            spans[j] = new FieldSpan(SpanStart[row * f + j], SpanLength[row * f + j]);
            ids[j] = (int)FeatureIds[row * f + j];
        }
        return new TextTabularPair(tokens, mask, spans, ids, TruncatedFields[row], (byte)Labels[row]);
    }
}
