using System.Globalization;
using Flip.FeatureStore.Events;
using Prometheus;

namespace Flip.Ingest.Worker;

/// <summary>
/// The ingest's Prometheus metrics, created in the <see cref="IMetricFactory"/> the host injects (never the static
/// default registry), so two workers in one process keep separate counters. Every series that does not depend on a
/// partition exists from the start at zero; per-partition series are created when the partition is assigned
/// (<see cref="TrackPartition"/>), so dashboards and alerts see an idle or stuck worker.
/// </summary>
public sealed class IngestMetrics
{
    public IngestMetrics(IMetricFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Events = factory.CreateCounter("flip_ingest_events_total",
            "Messages the ingest finished with, by outcome (stored, dead_lettered or duplicate).", ["outcome"]);
        Stored = Events.WithLabels("stored");
        DeadLettered = Events.WithLabels("dead_lettered");
        Duplicates = Events.WithLabels("duplicate");
        DeadLetterReasons = factory.CreateCounter("flip_ingest_dead_letter_total",
            "Messages sent to the dead-letter topic, by reason code.", ["reason"]);
        foreach (var reason in Enum.GetValues<EventRejectReason>()) DeadLetterReasons.WithLabels(new EventRejection(reason, "").Code);
        DeadLettersLocal = factory.CreateCounter("flip_ingest_dead_letter_local_total",
            "Dead letters the dead-letter topic would not take, recorded in the store's local dead-letter file instead.");
        FlushDuration = factory.CreateHistogram("flip_ingest_flush_duration_seconds",
            "Time to write one partition batch to Parquet durably and commit its offsets.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.005, 2, 14) });
        BatchSize = factory.CreateHistogram("flip_ingest_batch_size", "Messages per flushed partition batch.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(10, 4, 9) });
        ConsumerLag = factory.CreateGauge("flip_ingest_consumer_lag",
            "Messages in the partition not yet consumed (high watermark minus position).", ["partition"]);
        LostMessages = factory.CreateCounter("flip_ingest_lost_messages_total",
            "Messages the broker deleted (retention) before the ingest consumed them: offsets below the partition's low watermark that were never read.", ["partition"]);
        BytesWritten = factory.CreateCounter("flip_ingest_bytes_written_total", "Bytes of Parquet files written to the store.");
    }

    public Counter Events { get; }
    public Counter.Child Stored { get; }
    public Counter.Child DeadLettered { get; }
    /// <summary>Messages dropped because an event with the same id was already stored (<see cref="IngestOptions.DeduplicationWindow"/>).</summary>
    public Counter.Child Duplicates { get; }
    public Counter DeadLetterReasons { get; }
    public Counter DeadLettersLocal { get; }
    public Histogram FlushDuration { get; }
    public Histogram BatchSize { get; }
    public Gauge ConsumerLag { get; }
    public Counter LostMessages { get; }
    public Counter BytesWritten { get; }

    /// <summary>Creates the partition's series (lag and lost messages at zero) when it is assigned.</summary>
    public void TrackPartition(int partition)
    {
        var label = Label(partition);
        ConsumerLag.WithLabels(label);
        LostMessages.WithLabels(label);
    }

    public static string Label(int partition) => partition.ToString(CultureInfo.InvariantCulture);
}
