namespace Flip.FeatureStore.Schema;

/// <summary>How a field's raw value becomes a categorical feature.</summary>
public enum FieldKind
{
    /// <summary>The value string is the feature (ids, words, codes).</summary>
    Categorical,
    /// <summary>A number kept as a categorical string, bucketized by the reader where the dataset asks for it (as the paper does).</summary>
    Numeric,
}

/// <summary>One column of a click row.</summary>
/// <param name="Name">Key in <see cref="Events.ClickEvent"/> values and on the wire (e.g. <c>zip_code</c>).</param>
/// <param name="TextName">Name used in the text template "&lt;field&gt; is &lt;value&gt;. " (e.g. <c>zip code</c>).</param>
/// <param name="Kind">How the value is treated.</param>
public sealed record FieldSchema(string Name, string TextName, FieldKind Kind = FieldKind.Categorical)
{
    public override string ToString() => Name;
}

/// <summary>
/// Maps a dataset's rating to a click label: above <see cref="PositiveAbove"/> is 1; below
/// <see cref="NegativeBelow"/> (or anything else when it is null) is 0; values in between are dropped.
/// </summary>
public sealed record LabelRule(double PositiveAbove, double? NegativeBelow = null)
{
    /// <summary>1, 0, or null when the row is dropped.</summary>
    public int? Apply(double rating)
    {
        if (rating > PositiveAbove) return 1;
        if (NegativeBelow is null || rating < NegativeBelow.Value) return 0;
        return null;
    }

    public override string ToString() => NegativeBelow is null
        ? $"rating > {PositiveAbove} -> 1, else 0"
        : $"rating > {PositiveAbove} -> 1, rating < {NegativeBelow} -> 0, otherwise dropped";
}

/// <summary>The fields of a dataset, in the order they appear in text and tabular views, plus its label rule.</summary>
public sealed class DatasetSchema
{
    private readonly Dictionary<string, int> _index;

    public DatasetSchema(string name, IReadOnlyList<FieldSchema> fields, LabelRule labelRule)
    {
        if (fields.Count == 0) throw new ArgumentException("A schema needs at least one field.", nameof(fields));
        Name = name;
        Fields = fields;
        LabelRule = labelRule;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < fields.Count; i++)
        {
            if (!_index.TryAdd(fields[i].Name, i))
                throw new ArgumentException($"Field '{fields[i].Name}' appears twice in schema '{name}'.", nameof(fields));
        }
    }

    public string Name { get; }
    public IReadOnlyList<FieldSchema> Fields { get; }
    public LabelRule LabelRule { get; }
    public int FieldCount => Fields.Count;

    /// <summary>Index of a field by wire name, or -1.</summary>
    public int IndexOf(string name) => _index.TryGetValue(name, out var i) ? i : -1;

    public IEnumerable<string> FieldNames => Fields.Select(f => f.Name);
}
