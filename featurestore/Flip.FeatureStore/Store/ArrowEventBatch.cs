using Apache.Arrow;
using Apache.Arrow.Types;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;

namespace Flip.FeatureStore.Store;

/// <summary>
/// Click events as an Apache Arrow <see cref="RecordBatch"/>: <c>id</c> utf8, <c>event_time</c>
/// timestamp(us, UTC), one utf8 column per schema field named by its wire name, <c>label</c> uint8.
/// The schema name and field names travel as schema metadata so a batch cannot be read with the wrong schema.
/// </summary>
public static class ArrowEventBatch
{
    public const string IdColumn = "id";
    public const string TimeColumn = "event_time";
    public const string LabelColumn = "label";
    /// <summary>Metadata key holding the dataset schema's name (Arrow schema and Parquet file metadata).</summary>
    public const string SchemaNameKey = "flip.schema";
    /// <summary>Metadata key holding the field wire names, comma-separated, in schema order.</summary>
    public const string FieldNamesKey = "flip.fields";

    private static readonly TimestampType TimeType = new(TimeUnit.Microsecond, "UTC");

    /// <summary>The Arrow schema for a dataset schema.</summary>
    public static Apache.Arrow.Schema ArrowSchema(DatasetSchema schema)
    {
        CheckColumnNames(schema);
        var builder = new Apache.Arrow.Schema.Builder()
            .Field(f => f.Name(IdColumn).DataType(StringType.Default).Nullable(false))
            .Field(f => f.Name(TimeColumn).DataType(TimeType).Nullable(false));
        foreach (var field in schema.Fields) builder.Field(f => f.Name(field.Name).DataType(StringType.Default).Nullable(false));
        return builder
            .Field(f => f.Name(LabelColumn).DataType(UInt8Type.Default).Nullable(false))
            .Metadata(SchemaNameKey, schema.Name)
            .Metadata(FieldNamesKey, FieldNames(schema))
            .Build();
    }

    /// <summary>Builds a batch from events (validated: one non-null value per field, label 0/1, UTC times).</summary>
    public static RecordBatch ToRecordBatch(DatasetSchema schema, IReadOnlyList<ClickEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var arrowSchema = ArrowSchema(schema);
        var columns = EventColumns.From(schema, events);
        var arrays = new List<IArrowArray>(schema.FieldCount + 3) { Strings(columns.Ids) };

        var times = new TimestampArray.Builder(TimeType).Reserve(columns.Count);
        foreach (var t in columns.Times) times.Append(new DateTimeOffset(t, TimeSpan.Zero));
        arrays.Add(times.Build());

        foreach (var values in columns.Values) arrays.Add(Strings(values));
        arrays.Add(new UInt8Array.Builder().Reserve(columns.Count).AppendRange(columns.Labels).Build());
        return new RecordBatch(arrowSchema, arrays, columns.Count);
    }

    /// <summary>
    /// Reads events back from a batch built for <paramref name="schema"/>. String columns may be plain
    /// utf8 or dictionary-encoded utf8; the label may be uint8 or int8. Anything else is refused.
    /// </summary>
    public static IReadOnlyList<ClickEvent> ToEvents(DatasetSchema schema, RecordBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        CheckBatchSchema(schema, batch.Schema);
        int n = batch.Length;
        var ids = ReadStrings(batch.Column(IdColumn), IdColumn);
        var times = ReadTimes(batch.Column(TimeColumn));
        var values = new string[schema.FieldCount][];
        for (int f = 0; f < schema.FieldCount; f++) values[f] = ReadStrings(batch.Column(schema.Fields[f].Name), schema.Fields[f].Name);
        var labels = ReadLabels(batch.Column(LabelColumn));

        var events = new ClickEvent[n];
        for (int row = 0; row < n; row++)
        {
            var rowValues = new string[schema.FieldCount];
            for (int f = 0; f < rowValues.Length; f++) rowValues[f] = values[f][row];
            events[row] = new ClickEvent(ids[row], times[row], rowValues, labels[row]);
        }
        return events;
    }

    internal static string FieldNames(DatasetSchema schema) => string.Join(',', schema.FieldNames);

    /// <summary>The fixed columns and the field columns share one namespace; refuse a schema that collides.</summary>
    internal static void CheckColumnNames(DatasetSchema schema)
    {
        foreach (var field in schema.Fields)
        {
            if (field.Name is IdColumn or TimeColumn or LabelColumn)
                throw new ArgumentException($"Schema '{schema.Name}': field '{field.Name}' collides with the store's own '{field.Name}' column.");
            if (field.Name.Contains(','))
                throw new ArgumentException($"Schema '{schema.Name}': field name '{field.Name}' contains a comma.");
        }
    }

    private static void CheckBatchSchema(DatasetSchema schema, Apache.Arrow.Schema arrowSchema)
    {
        if (arrowSchema.Metadata is { } metadata)
        {
            if (metadata.TryGetValue(SchemaNameKey, out var name) && name != schema.Name)
                throw new ArgumentException($"Record batch is for schema '{name}', expected '{schema.Name}'.");
            if (metadata.TryGetValue(FieldNamesKey, out var fields) && fields != FieldNames(schema))
                throw new ArgumentException($"Record batch has fields [{fields}], schema '{schema.Name}' has [{FieldNames(schema)}].");
        }
        var expected = new[] { IdColumn, TimeColumn }.Concat(schema.FieldNames).Append(LabelColumn);
        foreach (var column in expected)
        {
            if (arrowSchema.GetFieldIndex(column, StringComparer.Ordinal) < 0)
                throw new ArgumentException($"Record batch has no column '{column}' required by schema '{schema.Name}'.");
        }
    }

    private static StringArray Strings(string[] values) =>
        new StringArray.Builder().Reserve(values.Length).AppendRange(values).Build();

    private static string[] ReadStrings(IArrowArray array, string column)
    {
        var result = new string[array.Length];
        switch (array)
        {
            case StringArray strings:
                for (int i = 0; i < result.Length; i++) result[i] = strings.GetString(i) ?? throw NullIn(column, i);
                break;
            case DictionaryArray { Dictionary: StringArray dictionary } encoded:
                // Decode each dictionary entry once; rows share the same string instance.
                var entries = new string[dictionary.Length];
                for (int i = 0; i < entries.Length; i++) entries[i] = dictionary.GetString(i) ?? "";
                for (int i = 0; i < result.Length; i++)
                {
                    if (encoded.IsNull(i)) throw NullIn(column, i);
                    result[i] = entries[DictionaryIndex(encoded.Indices, i)];
                }
                break;
            default:
                throw new ArgumentException($"Column '{column}' is {array.Data.DataType.Name}, expected utf8 or dictionary<utf8>.");
        }
        return result;
    }

    private static int DictionaryIndex(IArrowArray indices, int row) => indices switch
    {
        Int8Array a => a.GetValue(row)!.Value,
        UInt8Array a => a.GetValue(row)!.Value,
        Int16Array a => a.GetValue(row)!.Value,
        UInt16Array a => a.GetValue(row)!.Value,
        Int32Array a => a.GetValue(row)!.Value,
        UInt32Array a => checked((int)a.GetValue(row)!.Value),
        Int64Array a => checked((int)a.GetValue(row)!.Value),
        _ => throw new ArgumentException($"Dictionary index type {indices.Data.DataType.Name} is not supported."),
    };

    private static DateTime[] ReadTimes(IArrowArray array)
    {
        if (array is not TimestampArray stamps)
            throw new ArgumentException($"Column '{TimeColumn}' is {array.Data.DataType.Name}, expected timestamp.");
        var type = (TimestampType)stamps.Data.DataType;
        if (type.Timezone is not ("UTC" or "+00:00" or "Etc/UTC"))
            throw new ArgumentException($"Column '{TimeColumn}' has time zone '{type.Timezone ?? "none"}', expected UTC.");
        var result = new DateTime[stamps.Length];
        for (int i = 0; i < result.Length; i++)
        {
            var t = stamps.GetTimestamp(i) ?? throw NullIn(TimeColumn, i);
            result[i] = EventColumns.TruncateToMicroseconds(t.UtcDateTime);
        }
        return result;
    }

    private static byte[] ReadLabels(IArrowArray array)
    {
        var result = new byte[array.Length];
        for (int i = 0; i < result.Length; i++)
        {
            int label = array switch
            {
                UInt8Array a => a.GetValue(i) ?? throw NullIn(LabelColumn, i),
                Int8Array a => a.GetValue(i) ?? throw NullIn(LabelColumn, i),
                _ => throw new ArgumentException($"Column '{LabelColumn}' is {array.Data.DataType.Name}, expected uint8 or int8."),
            };
            if (label is not (0 or 1)) throw new ArgumentException($"Column '{LabelColumn}' row {i}: label {label} is not 0 or 1.");
            result[i] = (byte)label;
        }
        return result;
    }

    private static ArgumentException NullIn(string column, int row) => new($"Column '{column}' row {row} is null.");
}
