namespace Flip.Ingest.Worker;

/// <summary>
/// Drops events whose id was already seen among the last <see cref="IngestOptions.DeduplicationWindow"/> events of the
/// same partition (producers that retry without idempotence send the same event twice; keyed by user id, both copies
/// land in the same partition). Memory is bounded: per partition a set and a queue of at most that many ids. The window
/// survives a restart: when a partition is assigned it is rebuilt from the ids in the partition's newest committed
/// store files (<see cref="StoreRecovery.RecentIds"/>), after the sweep, so it always describes exactly what the store
/// holds. Consumer thread only.
/// </summary>
internal sealed class EventDeduplicator(int window)
{
    private sealed class Window
    {
        public readonly HashSet<string> Ids = new(StringComparer.Ordinal);
        public readonly Queue<string> Order = new();
    }

    private readonly Dictionary<int, Window> _partitions = new();

    public bool Enabled => window > 0;

    /// <summary>True when <paramref name="id"/> is in the partition's window; otherwise remembers it (evicting the oldest).</summary>
    public bool IsDuplicate(int partition, string id)
    {
        if (!Enabled) return false;
        if (!_partitions.TryGetValue(partition, out var w)) _partitions[partition] = w = new Window();
        if (w.Ids.Contains(id)) return true;
        Remember(w, id);
        return false;
    }

    /// <summary>Replaces the partition's window with <paramref name="idsOldestFirst"/> (the newest <c>window</c> of them count).</summary>
    public void Load(int partition, IEnumerable<string> idsOldestFirst)
    {
        if (!Enabled) return;
        var w = _partitions[partition] = new Window();
        foreach (var id in idsOldestFirst)
        {
            if (w.Ids.Contains(id)) continue;
            Remember(w, id);
        }
    }

    public void Forget(int partition) => _partitions.Remove(partition);

    /// <summary>Ids remembered for a partition (for tests and logs).</summary>
    public int Count(int partition) => _partitions.TryGetValue(partition, out var w) ? w.Ids.Count : 0;

    private void Remember(Window w, string id)
    {
        w.Ids.Add(id);
        w.Order.Enqueue(id);
        while (w.Order.Count > window) w.Ids.Remove(w.Order.Dequeue());
    }
}
