using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Apache.Arrow;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;

namespace Flip.FeatureStore.Store;

/// <summary>
/// Click events on disk as Parquet, one folder per event-time hour:
/// <c>&lt;root&gt;/events/date=YYYY-MM-DD/hour=HH/&lt;sourceId&gt;.parquet</c>.
/// <para>
/// The store describes itself: its schema is in <c>&lt;root&gt;/schema.json</c> (written atomically before the first
/// data file, checked whenever the store is opened with a schema) and it owns the rest of its layout, including the
/// vocabulary folder (<see cref="StoreLayout"/>). A reader opens an existing store with <see cref="Open"/> and gets
/// <see cref="Schema"/>, <see cref="VocabularyDirectory"/> and <see cref="Watermark"/> without being told anything.
/// </para>
/// <para>
/// Writes are idempotent and atomic: a batch is split by hour and each part is written to a temporary
/// file in its partition folder, flushed to disk, renamed over <c>&lt;sourceId&gt;.parquet</c> and the
/// folder fsync'd. Writing the same input under the same source id again replaces the same files, so a
/// consumer that crashes after writing but before committing its offsets simply writes them again.
/// </para>
/// <para>
/// Reads are chronological: by event time, ties broken by partition, then file name (ordinal), then row
/// order within the file. One writer process per source id; many readers.
/// </para>
/// </summary>
public sealed partial class ParquetEventStore
{
    /// <summary>Name of the folder under the root that holds the event partitions.</summary>
    public const string EventsFolder = StoreLayout.EventsFolder;
    private const string FileExtension = ".parquet";
    private const string TempExtension = ".tmp";

    private readonly EventParquetFormat _format;
    private readonly object _schemaGate = new();
    private volatile bool _schemaWritten;

    /// <summary>
    /// Opens (or creates) a store for <paramref name="schema"/>. When the store already has a <c>schema.json</c> it must
    /// describe the same schema (<see cref="StoreSchemaFile.Compatible"/>), otherwise a <see cref="StoreFormatException"/>
    /// naming the file is thrown; a new store gets its <c>schema.json</c> with the first write.
    /// </summary>
    /// <param name="root">Store folder (created when missing).</param>
    /// <param name="schema">Schema every file in the store must have been written with.</param>
    /// <param name="options">Write options; defaults when null.</param>
    public ParquetEventStore(string root, DatasetSchema schema, ParquetStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        ArgumentNullException.ThrowIfNull(schema);
        Options = options ?? new ParquetStoreOptions();
        Options.Validate();
        Schema = schema;
        Layout = new StoreLayout(root);
        if (File.Exists(Layout.SchemaFile))
        {
            var stored = StoreSchemaFile.Read(Layout.SchemaFile);
            if (!StoreSchemaFile.Compatible(stored, schema))
                throw new StoreFormatException(Layout.SchemaFile,
                    $"the store holds schema '{stored.Name}' ({string.Join(",", stored.FieldNames)}; {stored.LabelRule}), not '{schema.Name}' ({string.Join(",", schema.FieldNames)}; {schema.LabelRule}).");
            _schemaWritten = true;
        }
        _format = new EventParquetFormat(schema, Options);
        DurableFileSystem.CreateDirectoryDurably(EventsDirectory, Options.Fsync);
        RemoveStaleTempFiles();
    }

    /// <summary>
    /// Opens an existing store from its root alone: the schema comes from its <c>schema.json</c>. Throws
    /// <see cref="DirectoryNotFoundException"/> when <paramref name="root"/> does not exist and <see cref="StoreFormatException"/>
    /// when it has no (usable) schema file, e.g. a folder that is not a store or a store written before schema files.
    /// </summary>
    public static ParquetEventStore Open(string root, ParquetStoreOptions? options = null)
    {
        var layout = new StoreLayout(root);
        if (!Directory.Exists(layout.Root)) throw new DirectoryNotFoundException($"Store folder '{layout.Root}' does not exist.");
        if (!File.Exists(layout.SchemaFile))
            throw new StoreFormatException(layout.SchemaFile, "is missing: the folder is not a store, or nothing was written to it yet.");
        return new ParquetEventStore(layout.Root, StoreSchemaFile.Read(layout.SchemaFile), options);
    }

    /// <summary>The store's folders and files (schema, events, vocabulary, ingest state).</summary>
    public StoreLayout Layout { get; }
    public string Root => Layout.Root;
    public string EventsDirectory => Layout.EventsDirectory;
    /// <summary>Folder of the feature vocabulary versions, <c>&lt;root&gt;/vocab</c> (see <c>FeatureVocabulary.LoadLatest</c>).</summary>
    public string VocabularyDirectory => Layout.VocabularyDirectory;
    public DatasetSchema Schema { get; }
    public ParquetStoreOptions Options { get; }

    /// <summary>
    /// Latest event time stored (UTC), or null when the store is empty. Read from the footers of the
    /// newest hour partition only, so it is cheap. This is the store's own high-water mark; the stream
    /// watermark of the design ("oldest partition's max event time") is a minimum over Kafka partitions
    /// that only the ingest knows (a partition that has sent nothing yet has no file here), so the
    /// ingest computes that one and the store reports what it holds.
    /// </summary>
    public DateTime? Watermark => WatermarkAsync().GetAwaiter().GetResult();

    /// <inheritdoc cref="Watermark"/>
    public async Task<DateTime?> WatermarkAsync(CancellationToken cancellationToken = default)
    {
        foreach (var partition in Partitions().Reverse())
        {
            DateTime? latest = null;
            foreach (var file in FilesIn(partition.Hour, partition.Directory))
            {
                var (rows, _, max) = await _format.ReadFooterAsync(file.Path, cancellationToken);
                if (rows == 0) continue;
                if (max is null) throw new StoreFormatException(file.Path, $"has no '{EventParquetFormat.MaxTimeKey}' metadata.");
                if (latest is null || max > latest) latest = max;
            }
            if (latest is not null) return latest;
        }
        return null;
    }

    /// <summary>
    /// Writes events under a source id; returns the files written (one per hour the events span, in hour
    /// order). Each file is atomic; when a write fails part-way some hours may already be written, and
    /// retrying with the same events and source id converges to the same files.
    /// </summary>
    /// <param name="events">Events in any order; each is checked first, so a bad one writes nothing.</param>
    /// <param name="sourceId">Names the files, e.g. <c>flip.clicks-3-1200-1299</c>; letters, digits, '.', '_' and '-' only.</param>
    public IReadOnlyList<string> Append(IReadOnlyList<ClickEvent> events, string sourceId) =>
        AppendAsync(events, sourceId).GetAwaiter().GetResult();

    /// <inheritdoc cref="Append(IReadOnlyList{ClickEvent}, string)"/>
    public async Task<IReadOnlyList<string>> AppendAsync(IReadOnlyList<ClickEvent> events, string sourceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        ValidateSourceId(sourceId);
        var all = EventColumns.From(Schema, events);
        EnsureSchemaFile();

        // Group rows by hour, keeping input order inside each hour.
        var rowsByHour = new SortedDictionary<DateTime, List<int>>();
        for (int row = 0; row < all.Count; row++)
        {
            var hour = HourPartition.Floor(all.Times[row]);
            if (!rowsByHour.TryGetValue(hour, out var rows)) rowsByHour[hour] = rows = new List<int>();
            rows.Add(row);
        }

        // A live batch spans an hour or two; a bulk load spans thousands, where per-file costs dominate,
        // so partitions are written in parallel. Each file is still atomic on its own.
        var parts = rowsByHour.ToArray();
        var written = new string[parts.Length];
        await Parallel.ForAsync(0, parts.Length,
            new ParallelOptions { MaxDegreeOfParallelism = Options.Parallelism, CancellationToken = cancellationToken },
            async (i, ct) => written[i] = await WriteFileAsync(parts[i].Key, sourceId, Gather(all, parts[i].Value), ct));
        return written;
    }

    /// <summary>Writes an Arrow batch (see <see cref="ArrowEventBatch"/>) under a source id.</summary>
    public Task<IReadOnlyList<string>> AppendAsync(RecordBatch batch, string sourceId, CancellationToken cancellationToken = default) =>
        AppendAsync(ArrowEventBatch.ToEvents(Schema, batch), sourceId, cancellationToken);

    /// <summary>Every stored event in chronological order (stable for ties; see the class remarks).</summary>
    public IEnumerable<ClickEvent> ReadAll() => ToEnumerable(ReadAllAsync());

    /// <summary>Events with <paramref name="fromInclusive"/> &lt;= time &lt; <paramref name="toExclusive"/>, chronologically; only the hour partitions that overlap are opened.</summary>
    /// <remarks>Unspecified-kind times are taken as UTC; local times are converted.</remarks>
    public IEnumerable<ClickEvent> ReadRange(DateTime fromInclusive, DateTime toExclusive) =>
        ToEnumerable(ReadRangeAsync(fromInclusive, toExclusive));

    /// <inheritdoc cref="ReadAll"/>
    public IAsyncEnumerable<ClickEvent> ReadAllAsync(CancellationToken cancellationToken = default) =>
        ReadAsync(DateTime.MinValue, DateTime.MaxValue, cancellationToken);

    /// <inheritdoc cref="ReadRange"/>
    public IAsyncEnumerable<ClickEvent> ReadRangeAsync(DateTime fromInclusive, DateTime toExclusive, CancellationToken cancellationToken = default)
    {
        var from = ToUtc(fromInclusive);
        var to = ToUtc(toExclusive);
        if (to < from) throw new ArgumentException($"Range end {to:O} is before its start {from:O}.", nameof(toExclusive));
        return ReadAsync(from, to, cancellationToken);
    }

    /// <summary>Number of stored events, from file footers (no column is read).</summary>
    public long Count() => CountAsync().GetAwaiter().GetResult();

    /// <inheritdoc cref="Count"/>
    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        long total = 0;
        foreach (var file in ListFiles()) total += (await _format.ReadFooterAsync(file.Path, cancellationToken)).Rows;
        return total;
    }

    /// <summary>The data files, in read order (hour, then file name); temporary files are not listed.</summary>
    public IReadOnlyList<StoreFile> ListFiles() =>
        Partitions().SelectMany(p => FilesIn(p.Hour, p.Directory)).ToList();

    /// <summary>The event ids of one data file, in row order (reads the file; see <see cref="ListFiles"/>).</summary>
    public IReadOnlyList<string> ReadIds(StoreFile file) =>
        _format.ReadAsync(file.Path, CancellationToken.None).GetAwaiter().GetResult().Ids;

    /// <summary>Start (UTC) of every hour partition folder present, oldest first (folders may be empty).</summary>
    public IReadOnlyList<DateTime> ListHours() => Partitions().Select(p => p.Hour).ToList();

    /// <summary>The data files of one hour partition (name order); empty when the folder does not exist.</summary>
    /// <param name="hour">Start of the hour (UTC); any time inside it is floored.</param>
    public IReadOnlyList<StoreFile> ListFiles(DateTime hour)
    {
        var start = HourPartition.Floor(ToUtc(hour));
        var directory = Path.Combine(EventsDirectory, HourPartition.RelativePath(start));
        return Directory.Exists(directory) ? FilesIn(start, directory) : [];
    }

    /// <summary>
    /// Every row of one data file, in event-time order (ties in row order). Throws <see cref="StoreFormatException"/>,
    /// <see cref="IOException"/> or a Parquet exception when the file is corrupt or not of this store's schema.
    /// </summary>
    public async Task<IReadOnlyList<ClickEvent>> ReadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        var columns = await _format.ReadAsync(path, cancellationToken);
        var rows = new ClickEvent[columns.Count];
        int i = 0;
        foreach (int row in ChronologicalOrder(columns.Times)) rows[i++] = columns.Row(row);
        return rows;
    }

    /// <summary>Total bytes of the data files.</summary>
    public long SizeOnDisk() => ListFiles().Sum(f => f.SizeBytes);

    /// <summary>Writes <c>schema.json</c> once, before the first data file, so every store with data describes itself.</summary>
    private void EnsureSchemaFile()
    {
        if (_schemaWritten) return;
        lock (_schemaGate)
        {
            if (_schemaWritten) return;
            StoreSchemaFile.Write(Layout.SchemaFile, Schema, Options.Fsync);
            _schemaWritten = true;
        }
    }

    /// <summary>Checks that a source id can name a file: 1-200 of [A-Za-z0-9._-], not starting with '.'.</summary>
    public static void ValidateSourceId(string sourceId)
    {
        ArgumentNullException.ThrowIfNull(sourceId);
        if (!SourceIdPattern().IsMatch(sourceId))
            throw new ArgumentException(
                $"Source id '{sourceId}' cannot name a store file: use 1-200 letters, digits, '.', '_' or '-', not starting with '.'.",
                nameof(sourceId));
    }

    [GeneratedRegex("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$")]
    private static partial Regex SourceIdPattern();

    private async IAsyncEnumerable<ClickEvent> ReadAsync(DateTime from, DateTime to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var firstHour = HourPartition.Floor(from);
        var partitions = Partitions().Where(p => p.Hour >= firstHour && p.Hour < to).ToList();
        // Read ahead: the next few partitions load on the thread pool while this one is being consumed.
        // Memory stays bounded by (Parallelism + 1) partitions.
        var pending = new Queue<Task<EventColumns?>>();
        int next = 0;
        try
        {
            while (true)
            {
                while (next < partitions.Count && pending.Count <= Options.Parallelism)
                {
                    var partition = partitions[next++];
                    pending.Enqueue(Task.Run(() => ReadPartitionAsync(partition.Hour, partition.Directory, cancellationToken), cancellationToken));
                }
                if (pending.Count == 0) yield break;
                var columns = await pending.Dequeue();
                if (columns is null) continue;
                foreach (int row in ChronologicalOrder(columns.Times))
                {
                    var time = columns.Times[row];
                    if (time >= from && time < to) yield return columns.Row(row);
                }
            }
        }
        finally
        {
            // A reader that stops early must not leave reads running against files it no longer wants.
            while (pending.Count > 0)
            {
                try { await pending.Dequeue(); }
                catch (Exception) { } // Already abandoned; the first error seen was thrown to the caller.
            }
        }
    }

    /// <summary>All rows of one hour partition (files in name order), or null when it has no files.</summary>
    private async Task<EventColumns?> ReadPartitionAsync(DateTime hour, string directory, CancellationToken cancellationToken)
    {
        var files = FilesIn(hour, directory);
        if (files.Count == 0) return null;
        var parts = new EventColumns[files.Count];
        for (int i = 0; i < files.Count; i++) parts[i] = await _format.ReadAsync(files[i].Path, cancellationToken);
        return parts.Length == 1 ? parts[0] : Concat(parts, Schema.FieldCount);
    }

    /// <summary>Row indices sorted by time; equal times keep their row order (file order, then row in file).</summary>
    private static int[] ChronologicalOrder(DateTime[] times)
    {
        var order = new int[times.Length];
        bool sorted = true;
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
            if (i > 0 && times[i] < times[i - 1]) sorted = false;
        }
        if (!sorted)
        {
            System.Array.Sort(order, (a, b) =>
            {
                int byTime = times[a].CompareTo(times[b]);
                return byTime != 0 ? byTime : a.CompareTo(b);
            });
        }
        return order;
    }

    private async Task<string> WriteFileAsync(DateTime hour, string sourceId, EventColumns columns, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(EventsDirectory, HourPartition.RelativePath(hour));
        DurableFileSystem.CreateDirectoryDurably(directory, Options.Fsync);
        var final = Path.Combine(directory, sourceId + FileExtension);
        var temp = Path.Combine(directory, $"{sourceId}{FileExtension}.{Guid.NewGuid():N}{TempExtension}");
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: false))
            {
                await _format.WriteAsync(stream, columns, cancellationToken);
                if (Options.Fsync) stream.Flush(flushToDisk: true);
                else await stream.FlushAsync(cancellationToken);
            }
            File.Move(temp, final, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        if (Options.Fsync) DurableFileSystem.SyncDirectory(directory);
        return final;
    }

    private IEnumerable<(DateTime Hour, string Directory)> Partitions()
    {
        var partitions = new List<(DateTime, string)>();
        if (!Directory.Exists(EventsDirectory)) return partitions;
        foreach (var dateDirectory in Directory.EnumerateDirectories(EventsDirectory))
        {
            if (!HourPartition.TryParseDate(Path.GetFileName(dateDirectory), out var date)) continue;
            foreach (var hourDirectory in Directory.EnumerateDirectories(dateDirectory))
            {
                if (HourPartition.TryParseHour(Path.GetFileName(hourDirectory), out int hour))
                    partitions.Add((date.AddHours(hour), hourDirectory));
            }
        }
        partitions.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return partitions;
    }

    private static List<StoreFile> FilesIn(DateTime hour, string directory)
    {
        var files = new List<StoreFile>();
        foreach (var info in new DirectoryInfo(directory).EnumerateFiles())
        {
            // Temporary files end in .tmp and hidden files start with '.'; neither is data.
            if (!info.Name.EndsWith(FileExtension, StringComparison.Ordinal) || info.Name.StartsWith('.')) continue;
            files.Add(new StoreFile(info.FullName, hour, info.Name[..^FileExtension.Length], info.Length));
        }
        files.Sort((a, b) => string.CompareOrdinal(a.SourceId, b.SourceId));
        return files;
    }

    /// <summary>Deletes temporary files left by interrupted writes (older than <see cref="ParquetStoreOptions.StaleTempFileAge"/>).</summary>
    private void RemoveStaleTempFiles()
    {
        var cutoff = DateTime.UtcNow - Options.StaleTempFileAge;
        foreach (var partition in Partitions())
        {
            foreach (var info in new DirectoryInfo(partition.Directory).EnumerateFiles("*" + TempExtension))
            {
                if (info.Name.Contains(FileExtension + ".", StringComparison.Ordinal) && info.LastWriteTimeUtc <= cutoff) TryDelete(info.FullName);
            }
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { } // Best effort: a leftover temp file is ignored by readers and retried on the next open.
        catch (UnauthorizedAccessException) { }
    }

    private EventColumns Gather(EventColumns all, List<int> rows)
    {
        if (rows.Count == all.Count) return all; // One hour: rows are 0..n-1 in order.
        var part = new EventColumns(rows.Count, Schema.FieldCount);
        for (int i = 0; i < rows.Count; i++)
        {
            int row = rows[i];
            part.Ids[i] = all.Ids[row];
            part.Times[i] = all.Times[row];
            for (int f = 0; f < Schema.FieldCount; f++) part.Values[f][i] = all.Values[f][row];
            part.Labels[i] = all.Labels[row];
        }
        return part;
    }

    private static EventColumns Concat(EventColumns[] parts, int fieldCount)
    {
        var all = new EventColumns(parts.Sum(p => p.Count), fieldCount);
        int offset = 0;
        foreach (var part in parts)
        {
            part.Ids.CopyTo(all.Ids, offset);
            part.Times.CopyTo(all.Times, offset);
            for (int f = 0; f < fieldCount; f++) part.Values[f].CopyTo(all.Values[f], offset);
            part.Labels.CopyTo(all.Labels, offset);
            offset += part.Count;
        }
        return all;
    }

    private static DateTime ToUtc(DateTime time) => time.Kind switch
    {
        DateTimeKind.Local => time.ToUniversalTime(),
        DateTimeKind.Unspecified => DateTime.SpecifyKind(time, DateTimeKind.Utc),
        _ => time,
    };

    private static IEnumerable<ClickEvent> ToEnumerable(IAsyncEnumerable<ClickEvent> source)
    {
        var enumerator = source.GetAsyncEnumerator();
        try
        {
            while (true)
            {
                var next = enumerator.MoveNextAsync();
                // Most rows come from a partition already in memory: skip the Task when the step finished synchronously.
                bool more = next.IsCompletedSuccessfully ? next.Result : next.AsTask().GetAwaiter().GetResult();
                if (!more) yield break;
                yield return enumerator.Current;
            }
        }
        finally
        {
            enumerator.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
