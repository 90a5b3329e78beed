using System.Globalization;
using Confluent.Kafka;
using Flip.FeatureStore.Store;
using Microsoft.Extensions.Logging;

namespace Flip.Ingest.Worker;

/// <summary>
/// What happens when the group hands partitions to this worker or takes them away (exactly-once rules 3 and the
/// one-writer assumption of <see cref="IngestWorker"/>):
/// <list type="bullet">
/// <item>Assigned: files of the partition at or after its committed offset are deleted before anything is consumed
/// (<see cref="StoreRecovery"/>), its series are created, and the gap detector expects the committed offset.</item>
/// <item>Revoked: the partition's batch is flushed and committed and the writers drained before the handler returns, so
/// the next owner never sweeps under a batch in flight (after a failure nothing more is written).</item>
/// <item>Lost: the unflushed batch is dropped without committing; the new owner consumes it again.</item>
/// </list>
/// Runs on the consumer thread (librdkafka calls the handlers from <c>Consume</c>).
/// </summary>
internal sealed class RebalanceHandler(PartitionBatcher batcher, BatchWriterPool writers, ParquetEventStore store, OffsetGapDetector gaps,
    EventDeduplicator deduplicator, int deduplicationWindow, IngestMetrics metrics, IngestStatistics statistics, ILogger log)
{
    /// <summary>Set once the worker failed: revoked partitions are then handed over without writing anything more.</summary>
    public bool Failed { get; set; }

    public void OnAssigned(IConsumer<byte[]?, ParsedClick> consumer, List<TopicPartition> partitions)
    {
        statistics.SetAssigned(partitions.Count);
        var committed = consumer.Committed(partitions, TimeSpan.FromSeconds(30));
        foreach (var tpo in committed)
        {
            int partition = tpo.Partition.Value;
            long offset = tpo.Offset.Value; // Offset.Unset (-1001) when the group never committed: every file is uncommitted.
            int removed = StoreRecovery.RemoveUncommitted(store, tpo.Topic, partition, offset < 0 ? -1 : offset, log);
            batcher.Drop(partition);
            // The dedup window is rebuilt from what the store now holds for the partition (committed batches only).
            if (deduplicator.Enabled) deduplicator.Load(partition, StoreRecovery.RecentIds(store, tpo.Topic, partition, deduplicationWindow));
            metrics.TrackPartition(partition);
            // Never committed: the consumer starts at the earliest retained message, so expect the low watermark now.
            gaps.Expect(partition, offset >= 0 ? offset : consumer.QueryWatermarkOffsets(tpo.TopicPartition, TimeSpan.FromSeconds(30)).Low.Value);
            log.LogInformation("Assigned {Topic}/{Partition} from offset {Offset}{Removed}.", tpo.Topic, partition,
                offset < 0 ? "(start)" : offset.ToString(CultureInfo.InvariantCulture),
                removed > 0 ? $"; removed {removed} uncommitted file(s)" : "");
        }
    }

    public void OnRevoked(IConsumer<byte[]?, ParsedClick> consumer, List<TopicPartitionOffset> partitions)
    {
        foreach (var tpo in partitions)
        {
            int partition = tpo.Partition.Value;
            if (!Failed && batcher.Take(partition) is { } batch) writers.Enqueue(batch);
            batcher.Drop(partition);
            gaps.Forget(partition);
            deduplicator.Forget(partition);
        }
        if (!Failed) writers.Drain(); // The next owner may sweep these partitions as soon as this handler returns.
        statistics.SetAssigned(0);
        log.LogInformation("Revoked {Count} partition(s){How}.", partitions.Count, Failed ? " without flushing (the worker failed)" : " after flushing them");
    }

    public void OnLost(IConsumer<byte[]?, ParsedClick> consumer, List<TopicPartitionOffset> partitions)
    {
        // Another member may own them now: committing would fail, and its sweep removes anything written here.
        foreach (var tpo in partitions)
        {
            batcher.Drop(tpo.Partition.Value);
            gaps.Forget(tpo.Partition.Value);
            deduplicator.Forget(tpo.Partition.Value);
        }
        statistics.SetAssigned(0);
        log.LogWarning("Lost {Count} partition(s); their unflushed messages will be consumed again by the new owner.", partitions.Count);
    }
}
