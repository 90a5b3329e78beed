using Confluent.Kafka;

namespace Flip.Ingest.Worker;

/// <summary>
/// About once a second, sets <c>flip_ingest_consumer_lag{partition}</c> for every assigned partition (high watermark
/// minus position, or minus the expected offset before the first fetch) from librdkafka's cached watermarks, and hands
/// the broker's low watermark to the <see cref="OffsetGapDetector"/> when something hints at a gap, and every 10 s
/// anyway. Consumer thread only.
/// </summary>
internal sealed class LagReporter(IngestMetrics metrics, OffsetGapDetector gaps)
{
    /// <summary>How often the low watermarks are asked from the broker even when nothing hints at a gap.</summary>
    private const long FullCheckIntervalMs = 10_000;
    private long _updatedAtMs;
    private long _fullCheckAtMs;

    public void MaybeUpdate(IConsumer<byte[]?, ParsedClick> consumer, long nowMs)
    {
        if (nowMs - _updatedAtMs < 1000) return;
        _updatedAtMs = nowMs;
        bool fullCheck = nowMs - _fullCheckAtMs >= FullCheckIntervalMs;
        if (fullCheck) _fullCheckAtMs = nowMs;
        foreach (var tp in consumer.Assignment)
        {
            var marks = consumer.GetWatermarkOffsets(tp);
            long position = consumer.Position(tp).Value;
            long? expected = gaps.Expected(tp.Partition.Value);
            // librdkafka's cached low watermark, or a position past the expected offset without a message in between (an
            // offset reset), hints at a gap; the broker's answer decides. A slow full check catches what the cache misses.
            bool hint = expected is { } e && (marks.Low.Value > e || position > e);
            if (hint || (fullCheck && expected is not null))
            {
                try
                {
                    gaps.CheckLowWatermark(tp, consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(1)).Low.Value);
                }
                catch (KafkaException)
                {
                    // The broker did not answer in time: check again on the next round.
                }
            }
            if (position < 0) position = gaps.Expected(tp.Partition.Value) ?? -1;
            if (marks.High.Value >= 0 && position >= 0)
                metrics.ConsumerLag.WithLabels(IngestMetrics.Label(tp.Partition.Value)).Set(Math.Max(0, marks.High.Value - position));
        }
    }
}
