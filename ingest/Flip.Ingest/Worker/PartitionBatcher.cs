using Confluent.Kafka;

namespace Flip.Ingest.Worker;

/// <summary>
/// Per-partition batching on the consumer thread: each partition's messages since its last flush form one
/// <see cref="PartitionBatch"/> (a contiguous offset range). A batch is taken (and a fresh one started) when it is
/// full, when its oldest message waited <see cref="IngestOptions.FlushInterval"/>, when the partition is caught up, or
/// when the partition is revoked or the worker stops. Not thread-safe: only the consumer thread uses it.
/// </summary>
internal sealed class PartitionBatcher(IngestOptions options)
{
    private readonly Dictionary<int, PartitionBatch> _batches = new();
    private readonly int _capacity = Math.Min(options.FlushMessages, 1 << 20);

    /// <summary>Adds a consumed message; returns the partition's batch when this message filled it.</summary>
    public PartitionBatch? Add(TopicPartition partition, long offset, ParsedClick message, bool duplicate = false)
    {
        if (!_batches.TryGetValue(partition.Partition.Value, out var batch))
            _batches[partition.Partition.Value] = batch = new PartitionBatch(partition, _capacity);
        batch.Add(offset, message.Event, duplicate);
        return batch.Messages >= options.FlushMessages ? Take(partition.Partition.Value) : null;
    }

    /// <summary>Takes the partition's batch (null when it has none or it is empty) and starts a fresh one.</summary>
    public PartitionBatch? Take(int partition)
    {
        if (!_batches.TryGetValue(partition, out var batch) || batch.IsEmpty) return null;
        _batches[partition] = new PartitionBatch(batch.Partition, _capacity);
        return batch;
    }

    /// <summary>Takes every batch whose oldest message is at least <see cref="IngestOptions.FlushInterval"/> old.</summary>
    public List<PartitionBatch> TakeDue(long nowMs)
    {
        long interval = (long)options.FlushInterval.TotalMilliseconds;
        var due = new List<PartitionBatch>();
        foreach (var (partition, batch) in _batches.ToList())
        {
            if (!batch.IsEmpty && nowMs - batch.StartedAtMs >= interval) due.Add(Take(partition)!);
        }
        return due;
    }

    /// <summary>Takes every non-empty batch (stop).</summary>
    public List<PartitionBatch> TakeAll() =>
        _batches.Keys.ToList().Select(Take).OfType<PartitionBatch>().ToList();

    /// <summary>Forgets a partition's unflushed messages (partition lost, or handed over after a failure).</summary>
    public void Drop(int partition) => _batches.Remove(partition);
}
