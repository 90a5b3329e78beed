using System.Collections.Concurrent;
using Confluent.Kafka;
using Flip.FeatureStore.Events;

namespace Flip.Ingest.Worker;

/// <summary>
/// Per-partition batching on the consumer thread: each partition's messages since its last flush form one
/// <see cref="PartitionBatch"/> (a contiguous offset range). A batch is taken (and a fresh one started) when it is
/// full, when its oldest message waited <see cref="IngestOptions.FlushInterval"/>, when the partition is caught up, or
/// when the partition is revoked or the worker stops. Only the consumer thread uses it, except <see cref="Recycle"/>.
/// </summary>
internal sealed class PartitionBatcher(IngestOptions options)
{
    // Event lists of committed batches, reused by new batches: a list of FlushMessages references is a large-object
    // allocation (800 KB at the default), and allocating one per flush drove background gen2 collections.
    private const int SpareLists = 8;
    private readonly ConcurrentQueue<List<ClickEvent>> _spare = new();
    private readonly Dictionary<int, PartitionBatch> _batches = new();
    private readonly int _capacity = Math.Min(options.FlushMessages, 1 << 20);
    private readonly long _intervalMs = (long)options.FlushInterval.TotalMilliseconds;
    private long _dueCheckedAtMs = long.MinValue;

    /// <summary>Adds a consumed message; returns the partition's batch when this message filled it.</summary>
    public PartitionBatch? Add(string topic, int partition, long offset, ParsedClick message, bool duplicate = false)
    {
        if (!_batches.TryGetValue(partition, out var batch))
            _batches[partition] = batch = NewBatch(new TopicPartition(topic, partition));
        batch.Add(offset, message.Event, duplicate);
        return batch.Messages >= options.FlushMessages ? Take(partition) : null;
    }

    /// <summary>Takes the partition's batch (null when it has none or it is empty) and starts a fresh one.</summary>
    public PartitionBatch? Take(int partition)
    {
        if (!_batches.TryGetValue(partition, out var batch) || batch.IsEmpty) return null;
        _batches[partition] = NewBatch(batch.Partition);
        return batch;
    }

    /// <summary>
    /// True when some batch's oldest message is at least <see cref="IngestOptions.FlushInterval"/> old. Called once per
    /// consumed message, so it allocates nothing and looks at most once per clock tick.
    /// </summary>
    public bool AnyDue(long nowMs)
    {
        if (nowMs == _dueCheckedAtMs) return false;
        _dueCheckedAtMs = nowMs;
        foreach (var batch in _batches.Values)
        {
            if (!batch.IsEmpty && nowMs - batch.StartedAtMs >= _intervalMs) return true;
        }
        return false;
    }

    /// <summary>Takes every batch whose oldest message is at least <see cref="IngestOptions.FlushInterval"/> old.</summary>
    public List<PartitionBatch> TakeDue(long nowMs)
    {
        var due = new List<PartitionBatch>();
        foreach (var (partition, batch) in _batches.ToList())
        {
            if (!batch.IsEmpty && nowMs - batch.StartedAtMs >= _intervalMs) due.Add(Take(partition)!);
        }
        return due;
    }

    /// <summary>Takes every non-empty batch (stop).</summary>
    public List<PartitionBatch> TakeAll() =>
        _batches.Keys.ToList().Select(Take).OfType<PartitionBatch>().ToList();

    /// <summary>Forgets a partition's unflushed messages (partition lost, or handed over after a failure).</summary>
    public void Drop(int partition) => _batches.Remove(partition);

    /// <summary>
    /// Hands back the event list of a batch that is written and committed (writer threads), for a later batch to reuse.
    /// The batch must not be used afterwards.
    /// </summary>
    public void Recycle(PartitionBatch batch)
    {
        if (_spare.Count >= SpareLists) return;
        var events = batch.Events;
        events.Clear();
        _spare.Enqueue(events);
    }

    private PartitionBatch NewBatch(TopicPartition partition) =>
        new(partition, _spare.TryDequeue(out var events) ? events : new List<ClickEvent>(_capacity));
}
