using System.Text.Json;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;

namespace Flip.Ingest.Worker;

/// <summary>
/// Fast path for the common case: one forward pass of <see cref="Utf8JsonReader"/> over a well-formed click message,
/// without the intermediate message object and field dictionary. It only ever <i>accepts</i>: anything it is not
/// certain is valid (any error, a duplicate or unknown property, a null, an out-of-range value) returns null and the
/// caller asks <see cref="ClickEventJson.Deserialize"/>, which stays the single authority on rejections and their
/// reason codes. Accepted events equal what <see cref="ClickEventJson"/> returns for the same bytes.
/// </summary>
internal sealed class FastClickParser // not thread-safe (string pools); one per consumer
{
    private readonly DatasetSchema _schema;
    private readonly EventValidationOptions _options;
    private readonly byte[][] _fieldNames;
    // Per-field string pools: click fields repeat heavily (gender, age, genres, titles...), so sharing one string per
    // distinct value saves an allocation per field per event and makes later equality checks reference-equal.
    private readonly Dictionary<string, string>[] _pools;
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>>[] _lookups;
    private const int PoolCapacity = 65_536;
    private const int MaxPooledLength = 128;

    public FastClickParser(DatasetSchema schema, EventValidationOptions options)
    {
        _schema = schema;
        _options = options;
        _fieldNames = schema.Fields.Select(f => System.Text.Encoding.UTF8.GetBytes(f.Name)).ToArray();
        _pools = schema.Fields.Select(_ => new Dictionary<string, string>(StringComparer.Ordinal)).ToArray();
        _lookups = _pools.Select(p => p.GetAlternateLookup<ReadOnlySpan<char>>()).ToArray();
    }

    /// <summary>The value as a string, shared with earlier events when it was seen before (bounded per field).</summary>
    private string Pooled(int field, ref Utf8JsonReader reader)
    {
        int length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (length > MaxPooledLength) return reader.GetString()!;
        Span<char> buffer = stackalloc char[MaxPooledLength];
        int written = reader.CopyString(buffer);
        var chars = buffer[..written];
        var lookup = _lookups[field];
        if (lookup.TryGetValue(chars, out var pooled)) return pooled;
        var value = new string(chars);
        if (_pools[field].Count < PoolCapacity) _pools[field][value] = value;
        return value;
    }

    public ClickEvent? TryParse(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > _options.MaxMessageBytes) return null;
        try
        {
            return Parse(utf8);
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private ClickEvent? Parse(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
        string? id = null;
        DateTime? time = null;
        int label = -1;
        string[]? values = null;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject) break;
            if (reader.TokenType != JsonTokenType.PropertyName) return null;
            if (reader.ValueTextEquals("id"u8))
            {
                if (id is not null || !reader.Read() || reader.TokenType != JsonTokenType.String) return null;
                id = reader.GetString();
            }
            else if (reader.ValueTextEquals("time"u8))
            {
                if (time is not null || !reader.Read() || reader.TokenType != JsonTokenType.String || !reader.TryGetDateTime(out var t)) return null;
                time = t;
            }
            else if (reader.ValueTextEquals("label"u8))
            {
                if (label >= 0 || !reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out label) || label is not (0 or 1)) return null;
            }
            else if (reader.ValueTextEquals("fields"u8))
            {
                if (values is not null || !reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
                values = ReadFields(ref reader);
                if (values is null) return null;
            }
            else return null;
        }
        // Nothing may follow the object (ClickEventJson refuses trailing content).
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read()) return null;
        if (string.IsNullOrEmpty(id) || id.Length > _options.MaxIdLength || time is null || label < 0 || values is null) return null;
        var when = time.Value;
        if (when.Kind == DateTimeKind.Local) when = when.ToUniversalTime();
        else if (when.Kind == DateTimeKind.Unspecified) when = DateTime.SpecifyKind(when, DateTimeKind.Utc);
        if (when < _options.MinTime || when > _options.MaxTime) return null;
        return new ClickEvent(id, when, values, (byte)label);
    }

    private string[]? ReadFields(ref Utf8JsonReader reader)
    {
        var values = new string[_schema.FieldCount];
        int found = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            int field = FieldIndex(ref reader);
            if (field < 0 || values[field] is not null || !reader.Read() || reader.TokenType != JsonTokenType.String) return null;
            var value = Pooled(field, ref reader);
            if (value.Length > _options.MaxValueLength) return null;
            values[field] = value;
            found++;
        }
        return reader.TokenType == JsonTokenType.EndObject && found == values.Length ? values : null;
    }

    private int FieldIndex(ref Utf8JsonReader reader)
    {
        for (int i = 0; i < _fieldNames.Length; i++)
        {
            if (reader.ValueTextEquals(_fieldNames[i])) return i;
        }
        return -1;
    }
}
