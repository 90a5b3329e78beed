using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Flip.Ingest.Worker;

/// <summary>
/// Notices messages the broker deleted before the ingest read them, instead of librdkafka's silent
/// <c>auto.offset.reset</c>. Per assigned partition it knows the next offset it expects (the committed offset at
/// assignment, or the low watermark then when the group never committed; afterwards the last consumed offset + 1). When
/// that expected offset falls below the partition's low watermark (a consumed offset jumps past it, or the lag reporter
/// sees the low watermark overtake it), the range [expected, low - 1] is lost: it is counted in
/// <c>flip_ingest_lost_messages_total{partition}</c> and <see cref="IngestStatistics.LostMessages"/> and logged as an
/// error with the range. A jump that the low watermark does not explain (transaction markers, compaction) is not a loss.
/// Used on the consumer thread only.
/// </summary>
internal sealed class OffsetGapDetector(IngestMetrics metrics, IngestStatistics statistics, ILogger log)
{
    private readonly Dictionary<int, long> _expected = new();

    /// <summary>The next offset expected for a partition, or null when it is not tracked.</summary>
    public long? Expected(int partition) => _expected.TryGetValue(partition, out var next) ? next : null;

    /// <summary>Starts tracking a partition from <paramref name="nextOffset"/> (negative: from the first message seen).</summary>
    public void Expect(int partition, long nextOffset)
    {
        if (nextOffset >= 0) _expected[partition] = nextOffset;
        else _expected.Remove(partition);
    }

    public void Forget(int partition) => _expected.Remove(partition);

    /// <summary>Records a consumed offset; on a jump asks <paramref name="lowWatermark"/> whether retention explains it.</summary>
    public void Consumed(TopicPartition partition, long offset, Func<long> lowWatermark)
    {
        int p = partition.Partition.Value;
        if (_expected.TryGetValue(p, out long expected) && offset > expected)
        {
            long low = lowWatermark();
            if (low > expected) Lost(partition, expected, Math.Min(low, offset) - 1);
        }
        _expected[p] = offset + 1;
    }

    /// <summary>Compares the expected offset with a fresh low watermark (called about once a second per partition).</summary>
    public void CheckLowWatermark(TopicPartition partition, long low)
    {
        int p = partition.Partition.Value;
        if (low < 0 || !_expected.TryGetValue(p, out long expected) || low <= expected) return;
        Lost(partition, expected, low - 1);
        _expected[p] = low;
    }

    private void Lost(TopicPartition partition, long first, long last)
    {
        long count = last - first + 1;
        metrics.LostMessages.WithLabels(IngestMetrics.Label(partition.Partition.Value)).Inc(count);
        statistics.RecordLost(count);
        log.LogError("Lost {Count} message(s) of {Topic}/{Partition}: offsets {First}-{Last} were deleted by the broker (retention) before they were consumed; they are in neither the store nor the dead-letter topic.",
            count, partition.Topic, partition.Partition.Value, first, last);
    }
}
