using Flip.FeatureStore.Errors;
using Confluent.Kafka;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Readers;
using Flip.FeatureStore.Schema;
using Flip.FeatureStore.Store;
using Flip.Hosting;
using Flip.Ingest.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Flip.Ingest.Worker;

/// <summary>
/// Consumes <c>flip.clicks</c>, validates every message, sends refused ones to <c>flip.clicks.dlq</c> and writes
/// valid events to the <see cref="ParquetEventStore"/>, one batch per partition at a time. This class is the consume
/// loop and the wiring; each other job is a part of its own: <see cref="PartitionBatcher"/> (per-partition batches),
/// <see cref="BatchWriterPool"/> (writer threads), <see cref="BatchCommitter"/> (write, sync, commit),
/// <see cref="StoreWriter"/> (hour files), <see cref="DeadLetterSink"/> (dead letters), <see cref="VocabularySaver"/>,
/// <see cref="LagReporter"/>, <see cref="OffsetGapDetector"/> (messages lost to retention), <see cref="EventDeduplicator"/> and
/// <see cref="RebalanceHandler"/>.
/// <para><b>Exactly once in the store</b>, from at-least-once delivery plus idempotent, range-named files:</para>
/// <list type="number">
/// <item>A batch is a contiguous offset range [first, last] of one partition. Its events go to files named
/// <c>&lt;topic&gt;-&lt;partition&gt;-&lt;first&gt;-&lt;last&gt;</c> (one per event-time hour), each written to a temp file,
/// fsync'd and atomically renamed by the store.</item>
/// <item>Only after every file of the batch is durable (and the batch's dead letters are acknowledged or recorded in the
/// local dead-letter file) is offset last+1 committed (<see cref="BatchCommitter"/>). Commits therefore always fall on
/// batch boundaries. With <see cref="IngestOptions.GroupSync"/> the files are written without their own fsync and the
/// whole batch is made durable by one syncfs(2) just before the commit: a power loss before that leaves at worst torn
/// files of an uncommitted batch, which rule 3 deletes.</item>
/// <item>When a partition is assigned (start, restart after a crash, rebalance), files of that partition whose first
/// offset is at or after the committed offset are deleted before anything is consumed (<see cref="RebalanceHandler"/>):
/// they come from a batch whose commit never happened. Consumption resumes at the committed offset and writes those
/// messages again, possibly with different batch boundaries, which is harmless because the old files are gone.</item>
/// <item>Files whose first offset is below the committed offset were committed, so their last offset is below it
/// too (rule 2): no committed message is ever consumed again. Every message is thus in exactly one surviving file.</item>
/// </list>
/// This relies on one live writer per partition: a revoked partition is flushed and committed inside the revoke
/// handler, before its new owner sweeps. A worker that lost its partitions without knowing (a zombie past its session
/// timeout) could still write; its commit then fails and the new owner's files win, except for a file it renames
/// after the sweep, which the design accepts as a narrow window. Dead letters are at-least-once (a crash before the
/// commit sends them again). The vocabulary is saved, when it grew, before the commit, so it always covers the
/// committed events; counts of re-consumed events can be counted twice after a crash.
/// </summary>
public sealed class IngestWorker : BackgroundService
{
    private readonly KafkaOptions _kafka;
    private readonly IngestOptions _options;
    private readonly ParquetStoreOptions _storeOptions;
    private readonly DatasetSchema _schema;
    private readonly IngestStatistics _stats;
    private readonly IngestMetrics _metrics;
    private readonly ILogger _log;
    private StoreWriter? _store;
    private VocabularySaver? _vocabulary;

    public IngestWorker(IOptions<KafkaOptions> kafka, IOptions<IngestOptions> options, IOptions<ParquetStoreOptions> storeOptions,
        IngestStatistics statistics, IngestMetrics metrics, ILogger<IngestWorker>? log = null)
    {
        _kafka = kafka.Value;
        _options = options.Value;
        _options.Validate();
        _storeOptions = storeOptions.Value;
        _schema = DatasetCatalog.Schema(_options.Dataset);
        _stats = statistics;
        _metrics = metrics;
        _log = log ?? (ILogger)NullLogger.Instance;
    }

    public IngestStatistics Statistics => _stats;

    /// <summary>The store being written (null before <see cref="StartAsync"/>).</summary>
    public ParquetEventStore? Store => _store?.Store;

    /// <summary>
    /// Opens the store (checking it is a writable folder), loads the vocabulary and waits (at most
    /// <see cref="IngestOptions.ClusterWaitTimeout"/>) for the cluster, then starts the consume loop. Environment problems
    /// surface here as an <see cref="IOException"/> with one line naming the path or address, before anything is consumed.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _store = OpenStore();
        _vocabulary = new VocabularySaver(_store.Store.VocabularyDirectory, _schema, _options);
        KafkaReachability.WaitUntilReachable(_kafka, _options.ClusterWaitTimeout);
        await base.StartAsync(cancellationToken);
    }

    private StoreWriter OpenStore()
    {
        var root = Path.GetFullPath(_storeOptions.Root);
        if (File.Exists(root)) throw new IOException($"Store folder '{root}' is a file, not a folder.");
        StoreWriter store;
        try
        {
            store = new StoreWriter(_storeOptions, _schema, _options);
            // Probe: a read-only store would otherwise fail only at the first flush.
            Directory.CreateDirectory(store.Store.Layout.IngestDirectory);
            var probe = Path.Combine(store.Store.Layout.IngestDirectory, $".write-probe-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Store folder '{root}' cannot be written: {e.Message}", e);
        }
        return store;
    }

    /// <summary>Runs the consume loop on its own thread (librdkafka calls block).</summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stoppingToken)
    {
        var store = _store ?? throw new InvalidOperationException("StartAsync opens the store before the loop runs.");
        var vocabulary = _vocabulary!;
        var json = new ClickEventJson(_schema, _options.Validation);
        var localDeadLetters = new LocalDeadLetterFile(Path.Combine(store.Store.Layout.IngestDirectory, LocalDeadLetterFile.FileName));
        using var deadLetters = new DeadLetterSink(_kafka, _options, localDeadLetters, _metrics, _log, LogKafka);
        var batcher = new PartitionBatcher(_options);
        var gaps = new OffsetGapDetector(_metrics, _stats, _log);
        var lag = new LagReporter(_metrics, gaps);
        var deduplicator = new EventDeduplicator(_options.DeduplicationWindow);
        RebalanceHandler? rebalance = null; // handlers run inside Consume, after it is set below
        using var consumer = new ConsumerBuilder<byte[]?, ParsedClick>(ConsumerConfig())
            .SetValueDeserializer(new ClickMessageDeserializer(json, _options.Validation))
            .SetPartitionsAssignedHandler((c, p) => rebalance!.OnAssigned(c, p))
            .SetPartitionsRevokedHandler((c, p) => rebalance!.OnRevoked(c, p))
            .SetPartitionsLostHandler((c, p) => rebalance!.OnLost(c, p))
            .SetErrorHandler((_, e) => _log.Log(e.IsFatal ? LogLevel.Critical : LogLevel.Warning, "Kafka: {Reason}", e.Reason))
            .SetLogHandler(LogKafka)
            .Build();
        var committer = new BatchCommitter(consumer, store, vocabulary, deadLetters, _metrics, _stats, _log);
        var writers = new BatchWriterPool(_options.Writers, committer.Write, _log);
        rebalance = new RebalanceHandler(batcher, writers, store.Store, gaps, deduplicator, _options.DeduplicationWindow, _metrics, _stats, _log);
        consumer.Subscribe(_kafka.ClicksTopic);
        _log.LogInformation("Ingesting {Topic} from {Bootstrap} into {Store} (group {Group}, flush at {Messages} messages or {Interval}).",
            _kafka.ClicksTopic, _kafka.BootstrapServers, store.Store.Root, _options.ConsumerGroup, _options.FlushMessages, _options.FlushInterval);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                ConsumeResult<byte[]?, ParsedClick>? result;
                try
                {
                    result = consumer.Consume(100);
                }
                catch (ConsumeException ex) when (!ex.Error.IsFatal)
                {
                    _log.LogWarning("Consume: {Reason}", ex.Error.Reason);
                    continue;
                }
                writers.ThrowIfFailed();
                if (result is { IsPartitionEOF: true })
                {
                    if (batcher.Take(result.Partition.Value) is { } caughtUp) writers.Enqueue(caughtUp);
                }
                else if (result is not null)
                {
                    _stats.RecordFirstConsumed();
                    gaps.Consumed(result.TopicPartition, result.Offset.Value, () => consumer.QueryWatermarkOffsets(result.TopicPartition, TimeSpan.FromSeconds(10)).Low.Value);
                    var parsed = result.Message.Value;
                    if (parsed.Rejection is { } rejection) deadLetters.Send(result, rejection, parsed.Raw);
                    bool duplicate = parsed.Event is { } e && deduplicator.IsDuplicate(result.Partition.Value, e.Id);
                    if (batcher.Add(result.TopicPartition, result.Offset.Value, parsed, duplicate) is { } full) writers.Enqueue(full);
                }
                long now = Environment.TickCount64;
                foreach (var due in batcher.TakeDue(now)) writers.Enqueue(due);
                lag.MaybeUpdate(consumer, now);
            }
            foreach (var batch in batcher.TakeAll()) writers.Enqueue(batch);
            writers.Drain();
            vocabulary.SaveNow();
            _log.LogInformation("Stopping: flushed and committed all partitions.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Nothing uncommitted is lost: a restart consumes it again (see the class remarks).
            rebalance.Failed = true;
            if (ErrorPolicy.IsUserOrEnvironment(ex)) _log.LogCritical("Ingest stopped: {Message}", ex.Message);
            else _log.LogCritical(ex, "Ingest stopped: {Message}", ex.Message);
            throw;
        }
        finally
        {
            consumer.Close();
            writers.Dispose();
        }
    }

    private ConsumerConfig ConsumerConfig() => _kafka.Apply(new ConsumerConfig
    {
        GroupId = _options.ConsumerGroup,
        EnableAutoCommit = false,
        EnableAutoOffsetStore = false,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        SessionTimeoutMs = _options.SessionTimeoutMs,
        HeartbeatIntervalMs = _options.HeartbeatIntervalMs,
        MaxPartitionFetchBytes = _options.MaxPartitionFetchBytes,
        FetchMaxBytes = Math.Max(52_428_800, _options.MaxPartitionFetchBytes),
        QueuedMinMessages = _options.QueuedMinMessages,
        EnablePartitionEof = _options.FlushOnCaughtUp,
    });

    private void LogKafka<T>(T client, LogMessage m)
    {
        var level = m.Level switch
        {
            SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical or SyslogLevel.Error => LogLevel.Error,
            SyslogLevel.Warning => LogLevel.Warning,
            SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
            _ => LogLevel.Debug,
        };
        _log.Log(level, "librdkafka {Facility}: {Message}", m.Facility, m.Message);
    }
}
