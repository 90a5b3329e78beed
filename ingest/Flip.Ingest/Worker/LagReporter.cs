using Confluent.Kafka;

namespace Flip.Ingest.Worker;

/// <summary>
/// About once a second, sets <c>flip_ingest_consumer_lag{partition}</c> for every assigned partition (high watermark
/// minus position, or minus the expected offset before the first fetch) from librdkafka's cached watermarks, and hands
/// the broker's low watermark to the <see cref="OffsetGapDetector"/> when something hints at a gap, and for one
/// partition per round anyway (round robin). Consumer thread only.
/// </summary>
internal sealed class LagReporter(IngestMetrics metrics, OffsetGapDetector gaps)
{
    private long _updatedAtMs;
    private int _round;

    public void MaybeUpdate(IConsumer<byte[]?, ParsedClick> consumer, long nowMs)
    {
        if (nowMs - _updatedAtMs < 1000) return;
        _updatedAtMs = nowMs;
        var assignment = consumer.Assignment;
        // One partition per round is asked the broker anyway (round robin), so a slow broker costs at most one
        // round trip per second on the consumer thread.
        int checkedAnyway = assignment.Count == 0 ? -1 : _round++ % assignment.Count;
        for (int i = 0; i < assignment.Count; i++)
        {
            var tp = assignment[i];
            bool fullCheck = i == checkedAnyway;
            var marks = consumer.GetWatermarkOffsets(tp);
            long position = consumer.Position(tp).Value;
            long? expected = gaps.Expected(tp.Partition.Value);
            // librdkafka's cached low watermark, or a position past the expected offset without a message in between (an
            // offset reset), hints at a gap; the broker's answer decides. The round-robin check catches what the cache misses.
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
