using Flip.FeatureStore.Errors;
using Flip.FeatureStore.Events;

namespace Flip.Ingest.Worker;

/// <summary>How the ingest worker consumes, batches and flushes. Bind from configuration section <c>Ingest</c>.</summary>
public sealed class IngestOptions
{
    public const string SectionName = "Ingest";

    /// <summary>
    /// Dataset whose schema the events follow: a built-in name from <c>DatasetCatalog.Names</c> or the path of a schema
    /// file (<c>.json</c>, docs/schema-file.md). Default <c>movielens-1m</c>.
    /// </summary>
    public string Dataset { get; set; } = "movielens-1m";

    /// <summary>Kafka consumer group id. Default <c>flip-ingest</c>.</summary>
    public string ConsumerGroup { get; set; } = "flip-ingest";

    /// <summary>
    /// A partition's buffer is flushed to Parquet once it holds this many messages (stored plus dead-lettered).
    /// Default 100,000: big files keep Parquet's per-file cost (footer, fsync, rename) small per event.
    /// </summary>
    public int FlushMessages { get; set; } = 100_000;

    /// <summary>
    /// A partition's buffer is flushed once its oldest message has waited this long, so a quiet stream still
    /// lands in the store promptly. Default 5 seconds.
    /// </summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Flush a partition's buffer as soon as the consumer has caught up with it (reached its end), instead of waiting for
    /// <see cref="FlushInterval"/>. Good for draining a backlog (the tail lands at once); in a slow live stream it makes
    /// smaller files, so the default is false.
    /// </summary>
    public bool FlushOnCaughtUp { get; set; }

    /// <summary>
    /// Consumer group session timeout in ms. Default 10,000: a restarted worker gets its partitions back after
    /// at most this long (the group waits for the dead member's session to expire before rebalancing).
    /// </summary>
    public int SessionTimeoutMs { get; set; } = 10_000;

    /// <summary>Heartbeat interval in ms; keep it well under a third of the session timeout. Default 1,000.</summary>
    public int HeartbeatIntervalMs { get; set; } = 1_000;

    /// <summary>Most bytes one fetch asks a partition for. Default 4 MiB (larger fetches, fewer round trips).</summary>
    public int MaxPartitionFetchBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Messages librdkafka prefetches per partition. Default 200,000.</summary>
    public int QueuedMinMessages { get; set; } = 200_000;

    /// <summary>
    /// Threads that write and commit batches while the consumer thread keeps reading (a partition always uses the
    /// same one, so its commits stay in order). Default 2.
    /// </summary>
    public int Writers { get; set; } = 2;

    /// <summary>
    /// Hour files of one batch written at the same time. Default 4: per-file work (encoding, fsync) overlaps,
    /// which matters when a replayed backlog spreads a batch over many event-time hours.
    /// </summary>
    public int WriteParallelism { get; set; } = 4;

    /// <summary>
    /// When the store fsyncs (<c>Store:Fsync</c>), make each batch durable with one <c>syncfs(2)</c> before its commit
    /// instead of an fsync per hour file and folder (Linux; elsewhere the store fsyncs each file). Safe because files of
    /// an uncommitted batch are deleted on restart (see <see cref="IngestWorker"/>). Default true.
    /// </summary>
    public bool GroupSync { get; set; } = true;

    /// <summary>Port of the Prometheus <c>/metrics</c> endpoint; 0 turns it off. Default 9464.</summary>
    public int MetricsPort { get; set; } = 9464;

    /// <summary>
    /// Interface the <c>/metrics</c> endpoint listens on. Default <c>127.0.0.1</c> (loopback: only this machine can
    /// scrape). In a container set <c>+</c> (all interfaces, <c>Ingest__MetricsBindAddress=+</c>) so that Prometheus can
    /// reach it from outside.
    /// </summary>
    public string MetricsBindAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// How long the worker waits at start for the Kafka cluster to answer before it gives up with one error line
    /// (instead of retrying forever). Default 30 seconds.
    /// </summary>
    public TimeSpan ClusterWaitTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Most payload bytes forwarded with a dead letter; a longer refused message is cut to this prefix (headers
    /// <c>flip.dlq.truncated</c> and <c>flip.dlq.original.size</c> say so), so that the dead-letter topic always takes it.
    /// Keep it well under the topic's and the producer's <c>message.max.bytes</c> (1,000,000 by default). Default 524,288.
    /// </summary>
    public int DeadLetterMaxPayloadBytes { get; set; } = 512 * 1024;

    /// <summary>
    /// How often value counts are saved when no new value was admitted (new values are saved at once, before their
    /// offsets are committed; a graceful stop always saves). Default 30 seconds.
    /// </summary>
    public TimeSpan VocabularySaveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Older vocabulary versions to keep beside the newest under <c>&lt;store&gt;/vocab/</c>. Default 4.</summary>
    public int VocabularyVersionsKept { get; set; } = 4;

    /// <summary>
    /// De-duplication by event id: an event whose id is among the last this-many events of its partition is dropped
    /// (counted as <c>flip_ingest_events_total{outcome="duplicate"}</c>) instead of stored twice. Memory is bounded by
    /// this many ids per assigned partition; the window is rebuilt from the store when a partition is assigned, so it
    /// survives restarts. 0 turns it off. Default 0 (off): exactly-once per Kafka offset holds without it; turn it on
    /// (e.g. 100,000) when producers may retry without idempotence.
    /// </summary>
    public int DeduplicationWindow { get; set; }

    /// <summary>Limits applied to each message (size, id and value length, time range). Defaults as in <see cref="EventValidationOptions"/>.</summary>
    public EventValidationOptions Validation { get; set; } = new();

    internal void Validate()
    {
        if (FlushMessages < 1) throw new UserInputException("Ingest:FlushMessages must be at least 1.");
        if (FlushInterval <= TimeSpan.Zero) throw new UserInputException("Ingest:FlushInterval must be positive.");
        if (Writers < 1) throw new UserInputException("Ingest:Writers must be at least 1.");
        if (SessionTimeoutMs < 1000) throw new UserInputException("Ingest:SessionTimeoutMs must be at least 1000.");
        if (MetricsPort is < 0 or > 65535) throw new UserInputException("Ingest:MetricsPort must be 0-65535.");
        if (string.IsNullOrWhiteSpace(MetricsBindAddress)) throw new UserInputException("Ingest:MetricsBindAddress must not be empty (127.0.0.1, + for all interfaces).");
        if (ClusterWaitTimeout <= TimeSpan.Zero) throw new UserInputException("Ingest:ClusterWaitTimeout must be positive.");
        if (DeduplicationWindow < 0) throw new UserInputException("Ingest:DeduplicationWindow must not be negative (0 = off).");
        if (DeadLetterMaxPayloadBytes < 0) throw new UserInputException("Ingest:DeadLetterMaxPayloadBytes must not be negative.");
    }
}
