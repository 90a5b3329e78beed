using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;
using Flip.FeatureStore.Store;

namespace Flip.Ingest.Worker;

/// <summary>
/// Writes a batch's events into the <see cref="ParquetEventStore"/> under the batch's source id, one file per event-time
/// hour (hours in parallel), and makes them durable. With group sync (<see cref="IngestOptions.GroupSync"/>, Linux) the
/// store writes without per-file fsync and <see cref="MakeDurable"/> syncs the whole file system once per batch.
/// </summary>
internal sealed class StoreWriter
{
    private readonly int _writeParallelism;

    public StoreWriter(ParquetStoreOptions storeOptions, DatasetSchema schema, IngestOptions options)
    {
        GroupSync = storeOptions.Fsync && options.GroupSync && FileSystemSync.IsSupported;
        // `with` copies every store option and changes only Fsync; a field-by-field copy once dropped Parallelism.
        Store = new ParquetEventStore(storeOptions.Root, schema, GroupSync ? storeOptions with { Fsync = false } : storeOptions);
        _writeParallelism = options.WriteParallelism;
    }

    public ParquetEventStore Store { get; }

    /// <summary>True when files are written without fsync and <see cref="MakeDurable"/> syncs them per batch.</summary>
    public bool GroupSync { get; }

    /// <summary>
    /// Writes the events under <paramref name="sourceId"/>: one store append per hour, all under the same source id, so
    /// the result is exactly what one <see cref="ParquetEventStore.Append"/> of the whole batch writes. A replayed backlog
    /// packs many event-time hours into one batch; per-file costs (Parquet footer, fsync, rename) then overlap well.
    /// </summary>
    public List<string> Write(List<ClickEvent> events, string sourceId)
    {
        var byHour = new Dictionary<long, List<ClickEvent>>();
        foreach (var e in events)
        {
            long hour = e.EventTime.Ticks / TimeSpan.TicksPerHour;
            if (!byHour.TryGetValue(hour, out var list)) byHour[hour] = list = new List<ClickEvent>();
            list.Add(e);
        }
        if (byHour.Count == 1 || _writeParallelism <= 1) return Store.Append(events, sourceId).ToList();
        var written = new List<string>(byHour.Count);
        Parallel.ForEach(byHour.Values, new ParallelOptions { MaxDegreeOfParallelism = _writeParallelism }, part =>
        {
            var paths = Store.Append(part, sourceId);
            lock (written) written.AddRange(paths);
        });
        return written;
    }

    /// <summary>Makes everything written so far durable (one syncfs with group sync; the store already fsync'd otherwise).</summary>
    public void MakeDurable()
    {
        if (GroupSync) FileSystemSync.SyncFileSystemOf(Store.Root);
    }
}
