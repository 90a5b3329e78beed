using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Flip.Ingest.Worker;

/// <summary>
/// Makes one batch durable and then commits it (the exactly-once rule 2 of <see cref="IngestWorker"/>): writes its hour
/// files (<see cref="StoreWriter"/>), updates the vocabulary (saved before the commit when it grew), syncs, waits until
/// its dead letters are acknowledged or recorded locally (<see cref="DeadLetterSink"/>), and only then commits offset
/// last + 1. Runs on the writer threads.
/// </summary>
internal sealed class BatchCommitter(IConsumer<byte[]?, ParsedClick> consumer, StoreWriter store, VocabularySaver vocabulary,
    DeadLetterSink deadLetters, IngestMetrics metrics, IngestStatistics statistics, ILogger log)
{
    public void Write(PartitionBatch batch)
    {
        var clock = Stopwatch.StartNew();
        var id = batch.SourceId;
        long bytes = 0;
        int files = 0;
        if (batch.Events.Count > 0)
        {
            var written = store.Write(batch.Events, id.ToString());
            files = written.Count;
            foreach (var path in written) bytes += new FileInfo(path).Length;
            vocabulary.Observe(batch.Events);
        }
        if (files > 0) store.MakeDurable();
        if (batch.DeadLettered > 0) deadLetters.AwaitAcknowledged();
        try
        {
            consumer.Commit([new TopicPartitionOffset(batch.Partition, new Offset(id.LastOffset + 1))]);
        }
        catch (KafkaException ex) when (!ex.Error.IsFatal)
        {
            // Typically the partition moved to another member: its owner re-consumes from the last commit and deletes
            // these files (IngestWorker remarks, rule 3). If it is still ours, the next commit covers it.
            log.LogWarning("Commit of {Source} failed ({Reason}); the range will be consumed again by the partition's owner.", id, ex.Error.Reason);
            return;
        }

        clock.Stop();
        metrics.FlushDuration.Observe(clock.Elapsed.TotalSeconds);
        metrics.BatchSize.Observe(batch.Messages);
        metrics.Stored.Inc(batch.Events.Count);
        metrics.DeadLettered.Inc(batch.DeadLettered);
        metrics.Duplicates.Inc(batch.Duplicates);
        statistics.RecordDuplicates(batch.Duplicates);
        metrics.BytesWritten.Inc(bytes);
        statistics.RecordFlush(id.Partition, id.LastOffset + 1, batch.Events.Count, batch.DeadLettered, files, bytes);
        log.LogDebug("Flushed {Source}: {Events} events, {Dead} dead-lettered, {Files} files, {Bytes} bytes in {Ms} ms.",
            id, batch.Events.Count, batch.DeadLettered, files, bytes, clock.ElapsedMilliseconds);
    }
}
