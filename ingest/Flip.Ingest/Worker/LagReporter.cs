using Confluent.Kafka;

namespace Flip.Ingest.Worker;

/// <summary>
/// About once a second, sets <c>flip_ingest_consumer_lag{partition}</c> for every assigned partition (high watermark
/// minus position, or minus the expected offset before the first fetch) from librdkafka's cached watermarks, and hands
/// the low watermark to the <see cref="OffsetGapDetector"/>. Consumer thread only.
/// </summary>
internal sealed class LagReporter(IngestMetrics metrics, OffsetGapDetector gaps)
{
    private long _updatedAtMs;

    public void MaybeUpdate(IConsumer<byte[]?, ParsedClick> consumer, long nowMs)
    {
        if (nowMs - _updatedAtMs < 1000) return;
        _updatedAtMs = nowMs;
        foreach (var tp in consumer.Assignment)
        {
            var marks = consumer.GetWatermarkOffsets(tp);
            if (marks.Low.Value >= 0) gaps.CheckLowWatermark(tp, marks.Low.Value);
            long position = consumer.Position(tp).Value;
            if (position < 0) position = gaps.Expected(tp.Partition.Value) ?? -1;
            if (marks.High.Value >= 0 && position >= 0)
                metrics.ConsumerLag.WithLabels(IngestMetrics.Label(tp.Partition.Value)).Set(Math.Max(0, marks.High.Value - position));
        }
    }
}
