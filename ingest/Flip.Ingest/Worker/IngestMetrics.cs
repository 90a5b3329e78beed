using Prometheus;

namespace Flip.Ingest.Worker;

/// <summary>The ingest's Prometheus metrics (names as in DESIGN.md), in prometheus-net's default registry.</summary>
internal static class IngestMetrics
{
    public static readonly Counter Events = Metrics.CreateCounter(
        "flip_ingest_events_total", "Messages the ingest finished with, by outcome (stored or dead_lettered).", "outcome");

    public static readonly Counter.Child Stored = Events.WithLabels("stored");
    public static readonly Counter.Child DeadLettered = Events.WithLabels("dead_lettered");

    public static readonly Counter DeadLetterReasons = Metrics.CreateCounter(
        "flip_ingest_dead_letter_total", "Messages sent to the dead-letter topic, by reason code.", "reason");

    public static readonly Histogram FlushDuration = Metrics.CreateHistogram(
        "flip_ingest_flush_duration_seconds", "Time to write one partition batch to Parquet durably and commit its offsets.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.005, 2, 14) });

    public static readonly Histogram BatchSize = Metrics.CreateHistogram(
        "flip_ingest_batch_size", "Messages per flushed partition batch.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(10, 4, 9) });

    public static readonly Gauge ConsumerLag = Metrics.CreateGauge(
        "flip_ingest_consumer_lag", "Messages in the partition not yet consumed (high watermark minus position).", "partition");

    public static readonly Counter BytesWritten = Metrics.CreateCounter(
        "flip_ingest_bytes_written_total", "Bytes of Parquet files written to the store.");
}
