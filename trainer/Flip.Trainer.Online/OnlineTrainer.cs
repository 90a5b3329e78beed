using System.Diagnostics;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Store;
using Flip.Registry;
using Microsoft.Extensions.Logging;

namespace Flip.Trainer.Online;

/// <summary>
/// The online trainer's loop (docs/trainer.md): follows the store in event-time windows; scores each closed window
/// with the current model (prequential test), trains on it once its labels are due (<c>LabelDelay</c>), appends its
/// evaluation, and publishes to the registry from time to time, saving its resume snapshot right after each publish.
/// <para>
/// Exactly-once evaluation across crashes: the snapshot names how many windows were trained; on start the evaluation
/// log (and the predictions log) is cut back to that many lines, and training resumes with the next window, so a
/// window trained after the last snapshot is trained (and logged) again, once.
/// </para>
/// </summary>
public sealed class OnlineTrainer : IDisposable
{
    private readonly TrainerOptions _options;
    private readonly ParquetEventStore _store;
    private readonly ModelRegistry _registry;
    private readonly TrainerMetrics _metrics;
    private readonly IModelAnnouncer? _announcer;
    private readonly ILogger _log;
    private readonly WindowSpec _spec;
    private readonly StoreWindowPlanner _planner;
    private readonly TrainerStateStore _stateStore;
    private readonly EvaluationLog _evaluation;
    private readonly PredictionsLog? _predictions;
    private readonly Queue<PendingWindow> _pending = new();
    private readonly Queue<(DateTime From, DateTime To, IReadOnlyList<ClickEvent> Events)> _replay = new();
    private readonly List<PrequentialScore> _recentScores = new();
    private readonly List<ClickEvent> _reservoir = new();
    private readonly PretrainSchedule? _pretrain;
    private long _reservoirSeen;
    private Random? _reservoirRandom;
    private IOnlineLearner? _learner;
    private WindowCursor _cursor = new();
    private PlannedWindow? _planned;
    private long _plannedWindows, _trainedWindows, _trainedSincePublish;
    private DateTime? _newestTrained;
    private string? _publishedVersion;
    private readonly Stopwatch _sincePublish = Stopwatch.StartNew();
    private readonly Stopwatch _sinceLateScan = Stopwatch.StartNew();

    public OnlineTrainer(TrainerOptions options, ParquetEventStore store, ModelRegistry registry, TrainerMetrics metrics, IModelAnnouncer? announcer, ILogger log)
    {
        options.Validate();
        _options = options;
        _store = store;
        _registry = registry;
        _metrics = metrics;
        _announcer = announcer;
        _log = log;
        _spec = WindowSpec.Parse(options.Window);
        _planner = new StoreWindowPlanner(store, _spec, options.LateHorizon, new StoreQuarantine(store), log)
        {
            OnQuarantine = (_, _) => metrics.Quarantined.Inc(),
        };
        _stateStore = new TrainerStateStore(StateDirectoryOf(options, registry), options.Fsync);
        // Lines are appended without fsync and made durable with each snapshot: lines after the last snapshot are cut
        // off on restart anyway, so syncing each one (thousands per backlog) would buy nothing.
        _evaluation = new EvaluationLog(Path.Combine(registry.Root, EvaluationLog.FileName), fsync: false);
        _predictions = string.IsNullOrWhiteSpace(options.PredictionsFile) ? null : new PredictionsLog(options.PredictionsFile);
        _pretrain = options.PretrainSchedule is { } schedule ? new PretrainSchedule(schedule, options.PretrainWindow) : null;
    }

    /// <summary>Where the resume snapshots live: <c>Trainer:StateDirectory</c> or <c>&lt;registry&gt;/trainer-state</c>.</summary>
    public static string StateDirectoryOf(TrainerOptions options, ModelRegistry registry) =>
        string.IsNullOrWhiteSpace(options.StateDirectory) ? Path.Combine(registry.Root, "trainer-state") : Path.GetFullPath(options.StateDirectory);

    public long TrainedWindows => _trainedWindows;
    public string? PublishedVersion => _publishedVersion;
    public IOnlineLearner? Learner => _learner;

    /// <summary>Runs until cancelled (publishing what was trained since the last publish), or, when draining, until the store is worked off.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _registry.EnsureWritable();
        await ResumeAsync(cancellationToken);
        await _planner.RefreshAsync(cancellationToken);
        bool draining = false;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (await StepAsync(Limit(draining), cancellationToken)) continue;
                // Caught up with what is closed: publish what is new, then look again.
                if (_trainedSincePublish > 0) Publish("caught up");
                await _planner.RefreshAsync(cancellationToken);
                UpdateLag();
                if (await StepAsync(Limit(draining), cancellationToken)) continue;
                if (_options.Drain)
                {
                    if (!draining) { draining = true; continue; }
                    if (_trainedSincePublish > 0) Publish("drained");
                    _log.LogInformation("Store worked off: {Windows} windows trained, last published version {Version}", _trainedWindows, _publishedVersion ?? "none");
                    return;
                }
                await Task.Delay(_options.PollInterval, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        // A graceful stop keeps what was trained.
        if (_trainedSincePublish > 0) Publish("stopping");
    }

    private DateTime Limit(bool draining)
    {
        if (draining) return DateTime.MaxValue;
        if (_planner.Watermark is not { } watermark) return DateTime.MinValue;
        return watermark - _options.AllowedLateness;
    }

    /// <summary>Does one unit of work (score a window or train one); false when nothing is closed.</summary>
    private async Task<bool> StepAsync(DateTime limit, CancellationToken cancellationToken)
    {
        if (limit == DateTime.MinValue && _pending.Count == 0) return false;
        bool scanLate = _sinceLateScan.Elapsed >= _options.PollInterval;
        _planned ??= await _planner.TryPlanAsync(_cursor, limit, scanLate, cancellationToken);
        if (scanLate) _sinceLateScan.Restart();
        var head = _pending.Count > 0 ? _pending.Peek() : null;
        bool headDue = head is not null && LabelsDue(head) <= limit;
        // A window's labels arriving before the next window closes are trained first (test-then-train in event time).
        if (headDue && (_planned is null || LabelsDue(head!) < _planned.To))
        {
            Train(_pending.Dequeue(), cancellationToken);
            return true;
        }
        if (_planned is not null)
        {
            Score(_planned);
            _planner.Consume(_cursor, _planned);
            _planned = null;
            return true;
        }
        if (headDue)
        {
            Train(_pending.Dequeue(), cancellationToken);
            return true;
        }
        return false;
    }

    private DateTime LabelsDue(PendingWindow window) => window.To + _options.LabelDelay;

    private void Score(PlannedWindow window)
    {
        var learner = _learner!;
        var logits = learner.Score(window.Events);
        learner.Observe(window.Events);
        _pending.Enqueue(new PendingWindow(_plannedWindows++, window.From, window.To, window.Events, logits, window.LateEvents, window.DroppedLateEvents));
        _metrics.LateTrained.Inc(window.LateEvents);
        _metrics.LateDropped.Inc(window.DroppedLateEvents);
        UpdateRowMetrics();
    }

    private void Train(PendingWindow window, CancellationToken cancellationToken)
    {
        var learner = _learner!;
        var score = PrequentialScore.Of(window.Events, window.Logits);
        learner.Expire(window.To);
        IReadOnlyList<ClickEvent> batch = window.Events;
        if (_options.ReplayWindows > 0 && _replay.Count > 0)
        {
            var all = new List<ClickEvent>(_replay.Sum(r => r.Events.Count) + window.Events.Count);
            foreach (var r in _replay) all.AddRange(r.Events);
            all.AddRange(window.Events);
            batch = all;
        }
        if (_options.ReplayBuffer > 0 && _reservoir.Count > 0 && _options.ReplayRatio > 0)
        {
            int draw = (int)Math.Min(_reservoir.Count, Math.Round(window.Events.Count * _options.ReplayRatio));
            var all = new List<ClickEvent>(batch.Count + draw);
            all.AddRange(batch);
            for (int i = 0; i < draw; i++) all.Add(_reservoir[ReservoirRandom().Next(_reservoir.Count)]);
            batch = all;
        }
        double samplesPerSecond = learner.Train(batch, window.Index, cancellationToken);
        if (_options.ReplayBuffer > 0) AddToReservoir(window.Events);
        if (_options.ReplayWindows > 0)
        {
            _replay.Enqueue((window.From, window.To, window.Events));
            while (_replay.Count > _options.ReplayWindows) _replay.Dequeue();
        }
        _trainedWindows = window.Index + 1;
        _trainedSincePublish++;
        var newest = window.Events.Max(e => e.EventTime);
        if (_newestTrained is null || newest > _newestTrained) _newestTrained = newest;
        bool pretrained = Pretrain(window, cancellationToken);
        _recentScores.Add(score);
        if (_recentScores.Count > 24) _recentScores.RemoveAt(0);

        _metrics.Windows.Inc();
        _metrics.Samples.Inc(window.Events.Count);
        _metrics.WindowAuc.Set(score.Auc ?? double.NaN);
        _metrics.WindowLogloss.Set(score.Logloss);
        _metrics.WindowCalibration.Set(score.Calibration);
        _metrics.TrainSamplesPerSecond.Set(samplesPerSecond);
        if (learner.MixingWeight is { } a) _metrics.MixingWeight.Set(a);
        UpdateLag();
        UpdateRowMetrics();

        string? version = null;
        // A re-aligned model is published (and the snapshot saved) at once: a pretraining run is in the snapshot or redone, never half-applied.
        if (pretrained || PublishDue()) version = Publish(pretrained ? "pretrained" : null, afterWindow: false);
        _predictions?.Append(window.Index, window.Events, window.Logits);
        _evaluation.Append(new WindowEvaluation(window.Index, window.From, window.To, score.Count, score.Auc, score.Logloss, score.Calibration, version)
        {
            TrainedUtc = DateTime.UtcNow,
            Kind = learner.Kind,
        });
        if (version is not null) SaveState();
    }

    /// <summary>
    /// Periodic FLIP pretraining, blocking: once <c>Trainer:PretrainEvery</c> events (or event time) were trained since the
    /// last run, the learner is pretrained in place on the most recent <c>Trainer:PretrainWindow</c> trained events.
    /// </summary>
    private bool Pretrain(PendingWindow window, CancellationToken cancellationToken)
    {
        if (_pretrain is null || _learner is not IPretrainableLearner learner) return false;
        _pretrain.Add(window.From, window.To, window.Events);
        if (!_pretrain.Due(_newestTrained!.Value)) return false;
        var events = _pretrain.Recent();
        var clock = Stopwatch.StartNew();
        var report = learner.Pretrain(events, cancellationToken);
        _pretrain.Ran(_newestTrained.Value);
        _metrics.PretrainRuns.Inc();
        _metrics.PretrainDuration.Observe(clock.Elapsed.TotalSeconds);
        _log.LogInformation("Pretrained {Kind} on the latest {Events} events ({Steps} steps, {Seconds:F1} s, {Device}); finetuning goes on from the re-aligned model",
            _learner.Kind, events.Count, report.Steps, clock.Elapsed.TotalSeconds, report.Device);
        return true;
    }

    /// <summary>Vitter's algorithm R: every event trained so far is in the reservoir with the same probability.</summary>
    private void AddToReservoir(IReadOnlyList<ClickEvent> events)
    {
        foreach (var e in events)
        {
            _reservoirSeen++;
            if (_reservoir.Count < _options.ReplayBuffer) _reservoir.Add(e);
            else
            {
                long slot = ReservoirRandom().NextInt64(_reservoirSeen);
                if (slot < _options.ReplayBuffer) _reservoir[(int)slot] = e;
            }
        }
    }

    private Random ReservoirRandom() => _reservoirRandom ??= new Random(unchecked(_options.Seed * 31 + (int)_trainedWindows));

    private bool PublishDue() =>
        (_options.PublishEveryWindows > 0 && _trainedSincePublish >= _options.PublishEveryWindows)
        || (_options.PublishInterval > TimeSpan.Zero && _sincePublish.Elapsed >= _options.PublishInterval);

    /// <summary>Publishes the current model and, unless called inside a window's bookkeeping, saves the resume snapshot with it.</summary>
    private string? Publish(string? why, bool afterWindow = true)
    {
        var learner = _learner!;
        PublishedModel published;
        try
        {
            using var export = learner.Export();
            var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
            {
                ["windows"] = _trainedWindows,
                ["embeddingRows"] = learner.Rows.Capacity,
                ["idSpaceVersion"] = learner.Rows.Version,
            };
            var scored = _recentScores.Where(s => s.Auc is not null).ToList();
            if (scored.Count > 0)
            {
                double weight = scored.Sum(s => s.Count);
                metrics["prequentialAuc"] = scored.Sum(s => s.Auc!.Value * s.Count) / weight;
                metrics["logloss"] = _recentScores.Sum(s => s.Logloss * s.Count) / _recentScores.Sum(s => s.Count);
                metrics["recentWindows"] = _recentScores.Count;
            }
            if (learner.MixingWeight is { } a) metrics["flipA"] = a;
            var manifest = new ModelManifest
            {
                ModelName = _options.ModelNameFor(_store.Schema.Name),
                Kind = learner.Kind,
                Dataset = _store.Schema.Name,
                DataWatermarkUtc = _newestTrained,
                WindowCursor = _trainedWindows,
                ParentVersion = _registry.LatestVersion,
                VocabularyVersion = export.VocabularyVersion,
                Plm = learner.Plm,
                Metrics = metrics,
            };
            published = _registry.Publish(manifest, directory =>
            {
                export.WriteTo(directory);
                // The store's schema travels with the model, so a scorer reads events the way they were trained.
                StoreSchemaFile.Write(Path.Combine(directory, StoreLayout.SchemaFileName), _store.Schema, fsync: false);
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _metrics.PublishFailed.Inc();
            throw new TrainerConfigurationException($"Cannot publish to the model registry {_registry.Root}: {e.Message}", e);
        }
        _publishedVersion = published.Version;
        _trainedSincePublish = 0;
        _sincePublish.Restart();
        _metrics.Published.Inc();
        _metrics.ModelVersion.Set(long.Parse(published.Version, System.Globalization.CultureInfo.InvariantCulture));
        _announcer?.Announce(_options.ModelNameFor(_store.Schema.Name), published);
        _log.LogInformation("Published {Kind} version {Version} ({Windows} windows, data up to {Watermark:O}){Why}",
            learner.Kind, published.Version, _trainedWindows, _newestTrained, why is null ? "" : $" ({why})");
        if (afterWindow) SaveState();
        return published.Version;
    }

    private void SaveState()
    {
        if (_options.Fsync) SyncFile(_evaluation.Path);
        var checkpoint = new TrainerCheckpoint
        {
            Schema = _store.Schema.Name,
            Fields = _store.Schema.FieldNames.ToArray(),
            Kind = _learner!.Kind,
            ModelName = _options.ModelNameFor(_store.Schema.Name),
            PlannedWindows = _plannedWindows,
            TrainedWindows = _trainedWindows,
            Cursor = _cursor,
            NewestTrainedEventUtc = _newestTrained,
            PublishedVersion = _publishedVersion,
            ReplayRanges = _replay.Select(r => new[] { r.From, r.To }).ToList(),
            EventsSincePretrain = _pretrain?.EventsSince ?? 0,
            LastPretrainUtc = _pretrain?.LastRunUtc,
            PretrainRanges = _pretrain?.Ranges.Select(r => new[] { r.From, r.To }).ToList() ?? [],
            Seed = _options.Seed,
        };
        _stateStore.Save(checkpoint, folder =>
        {
            _learner.SaveState(folder);
            PendingWindow.SaveAll(Path.Combine(folder, TrainerStateStore.PendingFileName), _pending);
        });
    }

    private async Task ResumeAsync(CancellationToken cancellationToken)
    {
        var current = _stateStore.LoadCurrent();
        if (current is null)
        {
            _learner = OnlineLearners.Create(_options, _store.Schema, null);
            _evaluation.TruncateFrom(0);
            _predictions?.TruncateFrom(0);
            _log.LogInformation("Starting a fresh {Kind} model on store {Store} (windows: {Window})", _learner.Kind, _store.Root, _spec);
            return;
        }
        var (folder, checkpoint) = current.Value;
        if (checkpoint.Schema != _store.Schema.Name || !checkpoint.Fields.SequenceEqual(_store.Schema.FieldNames))
            throw new TrainerConfigurationException(
                $"The trainer state in {folder} is for schema '{checkpoint.Schema}' [{string.Join(", ", checkpoint.Fields)}], the store has '{_store.Schema.Name}' [{string.Join(", ", _store.Schema.FieldNames)}]; use another Trainer:StateDirectory.");
        if (!string.Equals(checkpoint.Kind, _options.Model, StringComparison.OrdinalIgnoreCase))
            throw new TrainerConfigurationException($"The trainer state in {folder} holds a '{checkpoint.Kind}' model, Trainer:Model is '{_options.Model}'; use another Trainer:StateDirectory.");
        _learner = OnlineLearners.Create(_options, _store.Schema, folder);
        _cursor = checkpoint.Cursor;
        _plannedWindows = checkpoint.PlannedWindows;
        _trainedWindows = checkpoint.TrainedWindows;
        _newestTrained = checkpoint.NewestTrainedEventUtc;
        _publishedVersion = checkpoint.PublishedVersion;
        foreach (var p in PendingWindow.LoadAll(Path.Combine(folder, TrainerStateStore.PendingFileName))) _pending.Enqueue(p);
        foreach (var range in checkpoint.ReplayRanges)
            _replay.Enqueue((range[0], range[1], _store.ReadRange(range[0], range[1]).ToList()));
        _pretrain?.Restore(checkpoint.EventsSincePretrain, checkpoint.LastPretrainUtc,
            checkpoint.PretrainRanges.Select(r => (r[0], r[1], (IReadOnlyList<ClickEvent>)_store.ReadRange(r[0], r[1]).ToList())));
        _evaluation.TruncateFrom(_trainedWindows);
        _predictions?.TruncateFrom(_trainedWindows);
        if (_publishedVersion is not null) _metrics.ModelVersion.Set(long.Parse(_publishedVersion, System.Globalization.CultureInfo.InvariantCulture));
        _log.LogInformation("Resumed {Kind} from {Folder}: {Trained} windows trained, cursor {Cursor:O}, last published {Version}",
            _learner.Kind, folder, _trainedWindows, _cursor.CursorUtc, _publishedVersion ?? "none");
        await Task.CompletedTask;
    }

    private static void SyncFile(string path)
    {
        if (!File.Exists(path)) return;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Flush(flushToDisk: true);
    }

    private void UpdateLag()
    {
        if (_planner.Watermark is { } w && _newestTrained is { } t) _metrics.DataLag.Set(Math.Max(0, (w - t).TotalSeconds));
    }

    private void UpdateRowMetrics()
    {
        var rows = _learner!.Rows;
        _metrics.RowsCapacity.Set(rows.Capacity);
        _metrics.RowsAdmitted.Set(rows.AdmittedRows);
        _metrics.RowsPending.Set(rows.PendingValues);
    }

    public void Dispose() => _learner?.Dispose();
}
