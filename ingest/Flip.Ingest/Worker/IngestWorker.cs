using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;
using Flip.FeatureStore.Store;
using Flip.FeatureStore.Vocabulary;
using Flip.Hosting;
using Flip.Ingest.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Flip.Ingest.Worker;

/// <summary>
/// Consumes <c>flip.clicks</c>, validates every message, sends refused ones to <c>flip.clicks.dlq</c> and writes
/// valid events to the <see cref="ParquetEventStore"/>, one batch per partition at a time.
/// <para><b>Exactly once in the store</b>, from at-least-once delivery plus idempotent, range-named files:</para>
/// <list type="number">
/// <item>A batch is a contiguous offset range [first, last] of one partition. Its events go to files named
/// <c>&lt;topic&gt;-&lt;partition&gt;-&lt;first&gt;-&lt;last&gt;</c> (one per event-time hour), each written to a temp file,
/// fsync'd and atomically renamed by the store.</item>
/// <item>Only after every file of the batch is durable (and the batch's dead letters are acknowledged) is offset
/// last+1 committed. Commits therefore always fall on batch boundaries. With <see cref="IngestOptions.GroupSync"/>
/// the files are written without their own fsync and the whole batch is made durable by one syncfs(2) just before
/// the commit: a power loss before that leaves at worst torn files of an uncommitted batch, which rule 3 deletes.</item>
/// <item>When a partition is assigned (start, restart after a crash, rebalance), files of that partition whose first
/// offset is at or after the committed offset are deleted before anything is consumed: they come from a batch whose
/// commit never happened (crash between rename and commit, or mid-batch across hours). Consumption resumes at the
/// committed offset and writes those messages again, possibly with different batch boundaries (time-based flushes
/// differ run to run), which is harmless because the old files are gone.</item>
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
    private readonly ILogger _log;
    private readonly Dictionary<int, PartitionBatch> _batches = new();
    private BlockingCollection<WriteJob>[] _writes = [];
    private readonly object _vocabularyLock = new();
    private volatile Exception? _writerError;
    private ParquetEventStore? _store;
    private FeatureVocabulary? _vocabulary;
    private int _vocabularySavedCount = -1;
    private bool _vocabularyDirty;
    private long _vocabularySavedAtMs;
    private IProducer<byte[]?, byte[]?>? _deadLetters;
    private long _deadLetterFailures;
    private string? _deadLetterError;
    private long _lagUpdatedAtMs;
    private bool _failed;
    private bool _groupSync;

    /// <summary>A batch to write and commit, or (Batch null) a barrier that is signalled once everything before it is done.</summary>
    private sealed record WriteJob(PartitionBatch? Batch, ManualResetEventSlim? Done);

    public IngestWorker(IOptions<KafkaOptions> kafka, IOptions<IngestOptions> options, IOptions<ParquetStoreOptions> storeOptions,
        IngestStatistics statistics, ILogger<IngestWorker>? log = null)
    {
        _kafka = kafka.Value;
        _options = options.Value;
        _options.Validate();
        _storeOptions = storeOptions.Value;
        _schema = IngestSchemas.Resolve(_options.Dataset);
        _stats = statistics;
        _log = log ?? (ILogger)NullLogger.Instance;
    }

    public IngestStatistics Statistics => _stats;

    /// <summary>Folder of the vocabulary versions: <c>&lt;store root&gt;/vocab</c>.</summary>
    public static string VocabularyDirectory(string storeRoot) => Path.Combine(storeRoot, "vocab");

    /// <summary>Runs the consume loop on its own thread (librdkafka calls block).</summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stoppingToken)
    {
        // Group sync: the store writes without per-file fsync and the batch is synced once before its commit.
        _groupSync = _storeOptions.Fsync && _options.GroupSync && FileSystemSync.IsSupported;
        var storeOptions = _groupSync ? CopyWithoutFsync(_storeOptions) : _storeOptions;
        _store = new ParquetEventStore(storeOptions.Root, _schema, storeOptions);
        var vocabDir = VocabularyDirectory(_store.Root);
        _vocabulary = FeatureVocabulary.LatestPath(vocabDir) is not null
            ? FeatureVocabulary.LoadLatest(vocabDir, _schema)
            : new FeatureVocabulary(_schema);
        _vocabularySavedCount = _vocabulary.Count;
        var json = new ClickEventJson(_schema, _options.Validation);

        using var deadLetters = new ProducerBuilder<byte[]?, byte[]?>(_kafka.Apply(new ProducerConfig
        {
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
        })).SetLogHandler(LogKafka).Build();
        _deadLetters = deadLetters;

        using var consumer = new ConsumerBuilder<byte[]?, ParsedClick>(ConsumerConfig())
            .SetValueDeserializer(new ClickMessageDeserializer(json, _options.Validation))
            .SetPartitionsAssignedHandler(OnAssigned)
            .SetPartitionsRevokedHandler(OnRevoked)
            .SetPartitionsLostHandler(OnLost)
            .SetErrorHandler((_, e) => _log.Log(e.IsFatal ? LogLevel.Critical : LogLevel.Warning, "Kafka: {Reason}", e.Reason))
            .SetLogHandler(LogKafka)
            .Build();
        _consumer = consumer;
        // Batches are written and committed on writer threads while this one keeps consuming. A partition always goes
        // to the same writer, first in first out, so its batches commit in offset order.
        _writes = Enumerable.Range(0, _options.Writers).Select(_ => new BlockingCollection<WriteJob>(boundedCapacity: 2)).ToArray();
        var writers = _writes.Select((queue, i) => new Thread(() => WriteLoop(queue)) { IsBackground = true, Name = $"flip-ingest-writer-{i}" }).ToList();
        writers.ForEach(w => w.Start());
        consumer.Subscribe(_kafka.ClicksTopic);
        _log.LogInformation("Ingesting {Topic} from {Bootstrap} into {Store} (group {Group}, flush at {Messages} messages or {Interval}).",
            _kafka.ClicksTopic, _kafka.BootstrapServers, _store.Root, _options.ConsumerGroup, _options.FlushMessages, _options.FlushInterval);
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
                if (_writerError is { } writeFailure) throw new IOException($"Writing a batch failed: {writeFailure.Message}", writeFailure);
                if (result is { IsPartitionEOF: true })
                {
                    if (_batches.TryGetValue(result.Partition.Value, out var caughtUp)) Enqueue(caughtUp);
                }
                else if (result is not null) Accept(result);
                FlushDue(consumer);
            }
            FlushAll(consumer);
            _log.LogInformation("Stopping: flushed and committed all partitions.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Nothing uncommitted is lost: a restart consumes it again (see the class remarks).
            _failed = true;
            _log.LogCritical(ex, "Ingest stopped: {Message}", ex.Message);
            throw;
        }
        finally
        {
            consumer.Close();
            foreach (var queue in _writes) queue.CompleteAdding();
            writers.ForEach(w => w.Join());
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

    private void Accept(ConsumeResult<byte[]?, ParsedClick> result)
    {
        var tp = result.TopicPartition;
        if (!_batches.TryGetValue(tp.Partition.Value, out var batch))
            _batches[tp.Partition.Value] = batch = new PartitionBatch(tp, Math.Min(_options.FlushMessages, 1 << 20));
        var parsed = result.Message.Value;
        _stats.RecordFirstConsumed();
        if (batch.IsEmpty) _log.LogDebug("Batch of {Topic}/{Partition} starts at offset {Offset}.", tp.Topic, tp.Partition.Value, result.Offset.Value);
        if (parsed.Rejection is { } rejection) DeadLetter(result, rejection, parsed.Raw);
        batch.Add(result.Offset.Value, parsed.Event);
        if (batch.Messages >= _options.FlushMessages) Enqueue(batch);
    }

    private void DeadLetter(ConsumeResult<byte[]?, ParsedClick> result, EventRejection rejection, byte[]? raw)
    {
        var code = rejection.Code;
        var headers = new Headers
        {
            { DeadLetterHeaders.Reason, Encoding.UTF8.GetBytes(code) },
            { DeadLetterHeaders.Message, Encoding.UTF8.GetBytes(rejection.Message) },
            { DeadLetterHeaders.SourceTopic, Encoding.UTF8.GetBytes(result.Topic) },
            { DeadLetterHeaders.SourcePartition, Encoding.UTF8.GetBytes(result.Partition.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)) },
            { DeadLetterHeaders.SourceOffset, Encoding.UTF8.GetBytes(result.Offset.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)) },
        };
        _deadLetters!.Produce(_kafka.DeadLetterTopic, new Message<byte[]?, byte[]?> { Key = result.Message.Key, Value = raw, Headers = headers }, report =>
        {
            if (report.Error.IsError)
            {
                Interlocked.Increment(ref _deadLetterFailures);
                Interlocked.CompareExchange(ref _deadLetterError, report.Error.Reason, null);
            }
        });
        IngestMetrics.DeadLetterReasons.WithLabels(code).Inc();
        _log.LogDebug("Dead-lettered {Topic}/{Partition}@{Offset}: {Rejection}", result.Topic, result.Partition.Value, result.Offset.Value, rejection);
    }

    private void FlushDue(IConsumer<byte[]?, ParsedClick> consumer)
    {
        long now = Environment.TickCount64;
        long interval = (long)_options.FlushInterval.TotalMilliseconds;
        foreach (var batch in _batches.Values.ToList())
        {
            if (!batch.IsEmpty && now - batch.StartedAtMs >= interval) Enqueue(batch);
        }
        if (now - _lagUpdatedAtMs >= 1000)
        {
            _lagUpdatedAtMs = now;
            UpdateLag(consumer);
        }
    }

    private void FlushAll(IConsumer<byte[]?, ParsedClick> consumer)
    {
        foreach (var batch in _batches.Values.ToList()) Enqueue(batch);
        Drain();
        if (_vocabulary is not null)
        {
            lock (_vocabularyLock) SaveVocabulary(force: true);
        }
    }

    private IConsumer<byte[]?, ParsedClick>? _consumer;

    /// <summary>
    /// Writes the batch durably, then commits last+1 (class remarks, rule 2). Dead letters of the batch are
    /// acknowledged before the commit so none is lost either.
    /// </summary>
    private void Write(PartitionBatch batch)
    {
        var consumer = _consumer ?? throw new InvalidOperationException("No consumer to commit with.");
        var clock = Stopwatch.StartNew();
        var id = batch.SourceId;
        long bytes = 0;
        int files = 0;
        if (batch.Events.Count > 0)
        {
            var written = WriteByHour(batch.Events, id.ToString());
            files = written.Count;
            foreach (var path in written) bytes += new FileInfo(path).Length;
            lock (_vocabularyLock)
            {
                foreach (var e in batch.Events) _vocabulary!.Observe(e);
                _vocabularyDirty = true;
                SaveVocabulary();
            }
        }
        if (_groupSync && files > 0) FileSystemSync.SyncFileSystemOf(_store!.Root);
        if (batch.DeadLettered > 0) AwaitDeadLetters();
        try
        {
            consumer.Commit([new TopicPartitionOffset(batch.Partition, new Offset(id.LastOffset + 1))]);
        }
        catch (KafkaException ex) when (!ex.Error.IsFatal)
        {
            // Typically the partition moved to another member: its owner re-consumes from the last commit and
            // deletes these files (class remarks, rule 3). If it is still ours, the next commit covers it.
            _log.LogWarning("Commit of {Source} failed ({Reason}); the range will be consumed again by the partition's owner.", id, ex.Error.Reason);
            return;
        }

        clock.Stop();
        IngestMetrics.FlushDuration.Observe(clock.Elapsed.TotalSeconds);
        IngestMetrics.BatchSize.Observe(batch.Messages);
        IngestMetrics.Stored.Inc(batch.Events.Count);
        IngestMetrics.DeadLettered.Inc(batch.DeadLettered);
        IngestMetrics.BytesWritten.Inc(bytes);
        _stats.RecordFlush(id.Partition, id.LastOffset + 1, batch.Events.Count, batch.DeadLettered, files, bytes);
        _log.LogDebug("Flushed {Source}: {Events} events, {Dead} dead-lettered, {Files} files, {Bytes} bytes in {Ms} ms.",
            id, batch.Events.Count, batch.DeadLettered, files, bytes, clock.ElapsedMilliseconds);
    }

    /// <summary>Hands a partition's batch to the writer and starts a fresh one (blocks while two batches are queued).</summary>
    private void Enqueue(PartitionBatch batch)
    {
        if (batch.IsEmpty) return;
        var partition = batch.Partition.Partition.Value;
        _batches[partition] = new PartitionBatch(batch.Partition, Math.Min(_options.FlushMessages, 1 << 20));
        _writes[partition % _writes.Length].Add(new WriteJob(batch, null));
    }

    /// <summary>Waits until every queued batch is written and committed; throws when a write failed.</summary>
    private void Drain()
    {
        var barriers = new List<ManualResetEventSlim>();
        foreach (var queue in _writes)
        {
            if (queue.IsAddingCompleted) continue;
            var done = new ManualResetEventSlim();
            barriers.Add(done);
            queue.Add(new WriteJob(null, done));
        }
        foreach (var done in barriers)
        {
            done.Wait();
            done.Dispose();
        }
        if (_writerError is { } failure) throw new IOException($"Writing a batch failed: {failure.Message}", failure);
    }

    private void WriteLoop(BlockingCollection<WriteJob> queue)
    {
        foreach (var job in queue.GetConsumingEnumerable())
        {
            if (job.Batch is not null && _writerError is null)
            {
                try
                {
                    Write(job.Batch);
                }
                catch (Exception ex)
                {
                    // Nothing after a failed batch is written or committed; the consumer thread stops the worker.
                    _writerError = ex;
                    _log.LogError(ex, "Writing {Source} failed.", job.Batch.SourceId);
                }
            }
            job.Done?.Set();
        }
    }

    /// <summary>
    /// Writes a batch's hour files in parallel (one store append per hour, all under the same source id, so the
    /// result is exactly what one <see cref="ParquetEventStore.Append"/> of the whole batch writes). A replayed
    /// backlog packs many event-time hours into one batch; per-file costs (Parquet footer, fsync, rename) then
    /// dominate and overlap well.
    /// </summary>
    private List<string> WriteByHour(List<ClickEvent> events, string sourceId)
    {
        var byHour = new Dictionary<long, List<ClickEvent>>();
        foreach (var e in events)
        {
            long hour = e.EventTime.Ticks / TimeSpan.TicksPerHour;
            if (!byHour.TryGetValue(hour, out var list)) byHour[hour] = list = new List<ClickEvent>();
            list.Add(e);
        }
        if (byHour.Count == 1 || _options.WriteParallelism <= 1) return _store!.Append(events, sourceId).ToList();
        var written = new List<string>(byHour.Count);
        Parallel.ForEach(byHour.Values, new ParallelOptions { MaxDegreeOfParallelism = _options.WriteParallelism }, part =>
        {
            var paths = _store!.Append(part, sourceId);
            lock (written) written.AddRange(paths);
        });
        return written;
    }

    private static ParquetStoreOptions CopyWithoutFsync(ParquetStoreOptions o) => new()
    {
        Root = o.Root,
        RowGroupSize = o.RowGroupSize,
        Compression = o.Compression,
        StaleTempFileAge = o.StaleTempFileAge,
        Fsync = false,
    };

    private void AwaitDeadLetters()
    {
        while (_deadLetters!.Flush(TimeSpan.FromSeconds(5)) > 0)
            _log.LogWarning("Waiting for the dead-letter topic {Topic} to acknowledge messages...", _kafka.DeadLetterTopic);
        if (Interlocked.Read(ref _deadLetterFailures) > 0)
            throw new KafkaException(new Error(ErrorCode.Local_Fail, $"Dead-lettering to '{_kafka.DeadLetterTopic}' failed: {_deadLetterError}. Offsets are not committed."));
    }

    /// <summary>
    /// Saves the vocabulary when it admitted new values (before the commit, so ids of committed events are always on
    /// disk), or, for count-only changes, when the last save is older than <see cref="IngestOptions.VocabularySaveInterval"/>
    /// or <paramref name="force"/> is set (stop). Same-size saves replace the same version file.
    /// </summary>
    private void SaveVocabulary(bool force = false)
    {
        bool grown = _vocabulary!.Count != _vocabularySavedCount;
        if (!grown && !(_vocabularyDirty && (force || Environment.TickCount64 - _vocabularySavedAtMs >= _options.VocabularySaveInterval.TotalMilliseconds))) return;
        _vocabularyDirty = false;
        _vocabularySavedAtMs = Environment.TickCount64;
        var dir = VocabularyDirectory(_store!.Root);
        _vocabulary.Save(dir);
        _vocabularySavedCount = _vocabulary.Count;
        var versions = Directory.EnumerateFiles(dir, "vocabulary-v*.json").Order(StringComparer.Ordinal).ToList();
        for (int i = 0; i < versions.Count - 1 - _options.VocabularyVersionsKept; i++) File.Delete(versions[i]);
    }

    private void UpdateLag(IConsumer<byte[]?, ParsedClick> consumer)
    {
        foreach (var tp in consumer.Assignment)
        {
            var marks = consumer.GetWatermarkOffsets(tp);
            var position = consumer.Position(tp);
            if (marks.High.Value >= 0 && position.Value >= 0)
                IngestMetrics.ConsumerLag.WithLabels(tp.Partition.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    .Set(Math.Max(0, marks.High.Value - position.Value));
        }
    }

    private void OnAssigned(IConsumer<byte[]?, ParsedClick> consumer, List<TopicPartition> partitions)
    {
        _consumer = consumer;
        _stats.SetAssigned(partitions.Count);
        var committed = consumer.Committed(partitions, TimeSpan.FromSeconds(30));
        foreach (var tpo in committed)
        {
            long offset = tpo.Offset.Value; // Offset.Unset (-1001) when the group never committed: every file is uncommitted.
            int removed = StoreRecovery.RemoveUncommitted(_store!, tpo.Topic, tpo.Partition.Value, offset < 0 ? -1 : offset, _log);
            _batches.Remove(tpo.Partition.Value);
            _log.LogInformation("Assigned {Topic}/{Partition} from offset {Offset}{Removed}.", tpo.Topic, tpo.Partition.Value,
                offset < 0 ? "(start)" : offset.ToString(System.Globalization.CultureInfo.InvariantCulture),
                removed > 0 ? $"; removed {removed} uncommitted file(s)" : "");
        }
    }

    private void OnRevoked(IConsumer<byte[]?, ParsedClick> consumer, List<TopicPartitionOffset> partitions)
    {
        if (_failed)
        {
            // After a failed flush nothing more is written; the next owner consumes the uncommitted rest.
            foreach (var tpo in partitions) _batches.Remove(tpo.Partition.Value);
            return;
        }
        foreach (var tpo in partitions)
        {
            if (_batches.TryGetValue(tpo.Partition.Value, out var batch)) Enqueue(batch);
            _batches.Remove(tpo.Partition.Value);
        }
        Drain(); // The next owner may sweep these partitions as soon as this handler returns.
        _ = consumer;
        _stats.SetAssigned(0);
        _log.LogInformation("Revoked {Count} partition(s) after flushing them.", partitions.Count);
    }

    private void OnLost(IConsumer<byte[]?, ParsedClick> consumer, List<TopicPartitionOffset> partitions)
    {
        // Another member may own them now: committing would fail, and its sweep removes anything written here.
        foreach (var tpo in partitions) _batches.Remove(tpo.Partition.Value);
        _stats.SetAssigned(0);
        _log.LogWarning("Lost {Count} partition(s); their unflushed messages will be consumed again by the new owner.", partitions.Count);
    }

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
