namespace Flip.Trainer.Training;

/// <summary>
/// Encoded click samples held in memory: feature ids row-major [Count, FieldCount] in the global id space and
/// 0/1 labels. Slices share the arrays (no copy), so splits cost nothing.
/// </summary>
public sealed class SampleSet
{
    private readonly int[] ids;
    private readonly float[] labels;
    private readonly int offset;

    public SampleSet(int[] ids, float[] labels, int fieldCount)
        : this(ids, labels, fieldCount, 0, labels.Length)
    {
        if (fieldCount < 1) throw new ArgumentOutOfRangeException(nameof(fieldCount), "A sample needs at least one field.");
        if (ids.Length != (long)labels.Length * fieldCount)
            throw new ArgumentException($"{ids.Length} ids do not make {labels.Length} rows of {fieldCount} fields.", nameof(ids));
        foreach (var label in labels)
            if (label is not (0f or 1f)) throw new ArgumentException($"Labels must be 0 or 1 (got {label}).", nameof(labels));
    }

    private SampleSet(int[] ids, float[] labels, int fieldCount, int offset, int count)
    {
        this.ids = ids;
        this.labels = labels;
        this.offset = offset;
        FieldCount = fieldCount;
        Count = count;
    }

    public int FieldCount { get; }
    public int Count { get; }

    /// <summary>Ids of row <paramref name="row"/> (FieldCount values).</summary>
    public ReadOnlySpan<int> IdsOf(int row) => ids.AsSpan((offset + row) * FieldCount, FieldCount);

    public float LabelOf(int row) => labels[offset + row];

    /// <summary>All labels of this set, in order.</summary>
    public ReadOnlySpan<float> Labels => labels.AsSpan(offset, Count);

    /// <summary>Share of positive labels.</summary>
    public double PositiveRate()
    {
        double sum = 0;
        foreach (var l in Labels) sum += l;
        return Count == 0 ? 0 : sum / Count;
    }

    /// <summary>The rows [start, start+count) as a view.</summary>
    public SampleSet Slice(int start, int count)
    {
        if (start < 0 || count < 0 || start + count > Count)
            throw new ArgumentOutOfRangeException(nameof(start), $"Slice [{start}, {start + count}) is outside 0..{Count}.");
        return new SampleSet(ids, labels, FieldCount, offset + start, count);
    }
}
