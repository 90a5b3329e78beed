using System.Globalization;
using Flip.FeatureStore.Schema;
using Parquet;
using Parquet.Schema;

namespace Flip.FeatureStore.Store;

/// <summary>
/// The Parquet layout of click events for one <see cref="DatasetSchema"/>: columns <c>id</c>,
/// <c>event_time</c> (timestamp, microseconds, UTC), one string per field, <c>label</c> (uint8), all
/// required; file metadata names the schema, its fields and the file's time range. Columns are written
/// and read whole (per row group), never row by row.
/// </summary>
internal sealed class EventParquetFormat
{
    /// <summary>File metadata key: earliest event time in the file (ISO 8601, UTC).</summary>
    public const string MinTimeKey = "flip.min_event_time";
    /// <summary>File metadata key: latest event time in the file (ISO 8601, UTC).</summary>
    public const string MaxTimeKey = "flip.max_event_time";

    private readonly DatasetSchema _schema;
    private readonly DataField<string> _id = new(ArrowEventBatch.IdColumn, false);
    private readonly DateTimeDataField _time = new(ArrowEventBatch.TimeColumn, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: false);
    private readonly DataField<string>[] _fields;
    private readonly DataField<byte> _label = new(ArrowEventBatch.LabelColumn, false);
    private readonly ParquetSchema _parquetSchema;
    private readonly string _fieldNames;
    private readonly string[] _columnNames;

    public EventParquetFormat(DatasetSchema schema)
    {
        ArrowEventBatch.CheckColumnNames(schema);
        _schema = schema;
        _fields = schema.Fields.Select(f => new DataField<string>(f.Name, false)).ToArray();
        _parquetSchema = new ParquetSchema(new Field[] { _id, _time }.Concat(_fields).Append(_label));
        _fieldNames = ArrowEventBatch.FieldNames(schema);
        _columnNames = _parquetSchema.DataFields.Select(f => f.Name).ToArray();
    }

    public async Task WriteAsync(Stream stream, EventColumns columns, ParquetStoreOptions options, CancellationToken cancellationToken)
    {
        var parquetOptions = new ParquetOptions { CompressionMethod = options.Compression };
        await using var writer = await ParquetWriter.CreateAsync(_parquetSchema, stream, parquetOptions, append: false, cancellationToken);
        writer.CustomMetadata = Metadata(columns);
        for (int start = 0; start < columns.Count; start += options.RowGroupSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int length = Math.Min(options.RowGroupSize, columns.Count - start);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(_id, new ArraySegment<string>(columns.Ids, start, length), null);
            await group.WriteAsync<DateTime>(_time, columns.Times.AsMemory(start, length), null, null, cancellationToken);
            for (int f = 0; f < _fields.Length; f++)
                await group.WriteAsync(_fields[f], new ArraySegment<string>(columns.Values[f], start, length), null);
            await group.WriteAsync<byte>(_label, columns.Labels.AsMemory(start, length), null, null, cancellationToken);
            group.CompleteValidate();
        }
    }

    /// <summary>Reads a whole file into columns, refusing a file written for another schema.</summary>
    public async Task<EventColumns> ReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await using var reader = await ParquetReader.CreateAsync(path, null, cancellationToken);
            Check(path, reader);
            var fields = reader.Schema.DataFields;
            long total = reader.RowGroups.Sum(g => g.RowCount);
            var columns = new EventColumns(checked((int)total), _schema.FieldCount);
            int offset = 0;
            foreach (var group in reader.RowGroups)
            {
                int n = checked((int)group.RowCount);
                await group.ReadAsync(fields[0], ((string?[])columns.Ids).AsMemory(offset, n), null, cancellationToken);
                await group.ReadAsync<DateTime>(fields[1], columns.Times.AsMemory(offset, n), null, cancellationToken);
                for (int f = 0; f < _schema.FieldCount; f++)
                    await group.ReadAsync(fields[2 + f], ((string?[])columns.Values[f]).AsMemory(offset, n), null, cancellationToken);
                await group.ReadAsync<byte>(fields[^1], columns.Labels.AsMemory(offset, n), null, cancellationToken);
                offset += n;
            }
            for (int i = 0; i < columns.Count; i++)
            {
                // Parquet hands timestamps back as UTC already; this pins the kind regardless of reader version.
                columns.Times[i] = DateTime.SpecifyKind(columns.Times[i], DateTimeKind.Utc);
            }
            return columns;
        }
        catch (Exception e) when (e is not (StoreFormatException or OperationCanceledException))
        {
            throw new StoreFormatException(path, $"cannot be read as a click-event Parquet file: {e.Message}", e);
        }
    }

    /// <summary>What the footer says: rows and time range, without reading any column.</summary>
    public async Task<(long Rows, DateTime? MinTime, DateTime? MaxTime)> ReadFooterAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await using var reader = await ParquetReader.CreateAsync(path, null, cancellationToken);
            Check(path, reader);
            return (reader.Metadata?.NumRows ?? reader.RowGroups.Sum(g => g.RowCount),
                ParseTime(reader.CustomMetadata, MinTimeKey), ParseTime(reader.CustomMetadata, MaxTimeKey));
        }
        catch (Exception e) when (e is not (StoreFormatException or OperationCanceledException))
        {
            throw new StoreFormatException(path, $"cannot be read as a click-event Parquet file: {e.Message}", e);
        }
    }

    private Dictionary<string, string> Metadata(EventColumns columns)
    {
        var metadata = new Dictionary<string, string>
        {
            [ArrowEventBatch.SchemaNameKey] = _schema.Name,
            [ArrowEventBatch.FieldNamesKey] = _fieldNames,
        };
        if (columns.Count > 0)
        {
            metadata[MinTimeKey] = columns.Times.Min().ToString("O", CultureInfo.InvariantCulture);
            metadata[MaxTimeKey] = columns.Times.Max().ToString("O", CultureInfo.InvariantCulture);
        }
        return metadata;
    }

    private void Check(string path, ParquetReader reader)
    {
        var metadata = reader.CustomMetadata ?? new Dictionary<string, string>();
        metadata.TryGetValue(ArrowEventBatch.SchemaNameKey, out var name);
        metadata.TryGetValue(ArrowEventBatch.FieldNamesKey, out var fieldNames);
        if (name != _schema.Name || fieldNames != _fieldNames)
        {
            throw new StoreFormatException(path,
                $"written for schema '{name ?? "(none)"}' with fields [{fieldNames ?? "(none)"}], but this store's schema is " +
                $"'{_schema.Name}' with fields [{_fieldNames}]; refusing to mix them.");
        }
        var columns = reader.Schema.DataFields.Select(f => f.Name).ToArray();
        if (!columns.SequenceEqual(_columnNames))
        {
            throw new StoreFormatException(path,
                $"has columns [{string.Join(',', columns)}], expected [{string.Join(',', _columnNames)}] for schema '{_schema.Name}'.");
        }
    }

    private static DateTime? ParseTime(Dictionary<string, string>? metadata, string key) =>
        metadata is not null && metadata.TryGetValue(key, out var text)
            && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time)
            ? DateTime.SpecifyKind(time, DateTimeKind.Utc)
            : null;
}
