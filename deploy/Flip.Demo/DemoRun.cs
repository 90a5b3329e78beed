using System.Diagnostics;
using System.Globalization;
using Flip.Demo.FrontEnd;
using Flip.Demo.Metrics;
using Flip.Demo.Replay;
using Flip.Demo.Workers;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Readers;
using Flip.Hosting;
using Flip.Ingest.Dev.Kafka;
using Flip.Registry;

namespace Flip.Demo;

/// <summary>
/// <c>flip demo</c>: the live loop on the embedded defaults. An embedded Kafka broker; the ingest, trainer and scorer
/// workers as in-process hosts; a backfill of the older part of MovieLens-1M as fast as the producer goes; then the
/// newest part at live pace on an accelerated event clock, through a simulated front end that asks the scorer for each
/// event's CTR before its click is produced. Figures are sampled for a dashboard (<c>onSample</c>); at the end (or on
/// cancellation, Ctrl+C) the run drains (every acknowledged event stored), stops the workers gracefully and writes a
/// summary and a chart next to the store. A worker that crashes stops the run and is named in the report.
/// </summary>
public sealed class DemoRun
{
    private readonly DemoOptions _options;
    private readonly string _work;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<DemoSnapshot> _snapshots = [];
    private readonly List<ServedVersion> _served = [];
    private readonly List<string> _failures = [];
    private readonly Dictionary<string, MetricsText> _previous = new(StringComparer.Ordinal);
    private readonly List<DemoWorker> _workers = [];
    private volatile DemoPhase _phase = DemoPhase.Starting;
    private DemoTimeline? _timeline;
    private ClickProducer? _producer;
    private SimulatedFrontEnd? _frontEnd;
    private readonly ServedScores _scores = new();
    private DemoSnapshot? _last;
    private Dictionary<string, Uri> _metricsUrls = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _finalMetrics = new(StringComparer.Ordinal);
    private long _lastServed;

    private DemoRun(DemoOptions options, string work)
    {
        _options = options;
        _work = work;
    }

    public string StoreRoot => Path.Combine(_work, "store");
    public string RegistryRoot => Path.Combine(_work, "registry");

    /// <summary>The run's folder: <see cref="DemoOptions.WorkDirectory"/>, or a new one under the system temp folder.</summary>
    public static string ResolveWorkDirectory(DemoOptions options) =>
        string.IsNullOrWhiteSpace(options.WorkDirectory)
            ? Path.Combine(Path.GetTempPath(), $"flip-demo-{DateTime.UtcNow:yyyyMMdd-HHmmss}")
            : Path.GetFullPath(options.WorkDirectory);

    /// <summary>
    /// Runs the demo. <paramref name="onSample"/> is called from a background thread once per
    /// <see cref="DemoOptions.SampleInterval"/>. Throws <see cref="DemoConfigurationException"/> for bad input or
    /// environment (before anything ran); otherwise returns the report, also after Ctrl+C or a worker crash.
    /// </summary>
    public static async Task<DemoReport> RunAsync(DemoOptions options, Action<DemoSnapshot>? onSample = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        var run = new DemoRun(options, ResolveWorkDirectory(options));
        return await run.RunAsync(onSample, cancellationToken);
    }

    async Task<DemoReport> RunAsync(Action<DemoSnapshot>? onSample, CancellationToken cancellationToken)
    {
        var reader = OpenDataset();
        List<ClickEvent> events;
        try
        {
            events = reader.ReadEvents().ToList();
        }
        catch (Exception e) when (e is DatasetFormatException or IOException)
        {
            throw new DemoConfigurationException($"{e.Message} (pass --path to the folder with ratings.dat, users.dat, movies.dat)", e);
        }
        if (_options.Limit > 0 && _options.Limit < events.Count) events = events.GetRange(0, (int)_options.Limit);
        _timeline = new DemoTimeline(events, _options.BackfillFraction, _options.Speedup, _options.LiveDuration);
        Directory.CreateDirectory(StoreRoot);
        Directory.CreateDirectory(RegistryRoot);

        using var broker = new EmbeddedKafkaBroker();
        var kafka = new KafkaOptions { BootstrapServers = broker.BootstrapServers };
        broker.CreateIngestTopics(kafka, _options.Partitions);
        foreach (var topic in new[] { TopicNames.Models, TopicNames.Requests, TopicNames.Scores, TopicNames.RequestsDeadLetter })
            broker.CreateTopic(topic, partitions: 1);
        int scorerPort = _options.ScorerPort > 0 ? _options.ScorerPort : DemoWorkers.FreeLoopbackPort();
        var configuration = DemoWorkers.Configuration(_options, broker.BootstrapServers, StoreRoot, RegistryRoot, scorerPort);
        _metricsUrls = DemoWorkers.MetricsUrls(configuration);

        using var crashed = new CancellationTokenSource();
        using var running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, crashed.Token);
        using var stopSampling = new CancellationTokenSource();
        Task sampler = Task.CompletedTask;
        bool interrupted = false;
        TimeSpan backfillWall = TimeSpan.Zero;
        try
        {
            await StartWorkerAsync(DemoWorkers.CreateIngest(configuration), cancellationToken);
            await StartWorkerAsync(DemoWorkers.CreateTrainer(configuration), cancellationToken);
            await StartWorkerAsync(DemoWorkers.CreateScorer(configuration), cancellationToken);
            _producer = new ClickProducer(kafka, reader.Schema);
            using var scoreClient = new ScoreClient(new HttpClient { Timeout = TimeSpan.FromSeconds(10) },
                new Uri($"http://127.0.0.1:{scorerPort.ToString(CultureInfo.InvariantCulture)}"), reader.Schema);
            sampler = SampleLoopAsync(onSample, crashed, stopSampling.Token);
            try
            {
                _phase = DemoPhase.Backfill;
                var backfillClock = Stopwatch.StartNew();
                await Task.Run(() => Backfill(running.Token), running.Token);
                backfillWall = backfillClock.Elapsed;
                if (_workers.Any(w => w.Name == "trainer"))
                {
                    _phase = DemoPhase.Warmup;
                    await WaitForServedModelAsync(running.Token);
                }
                _phase = DemoPhase.Live;
                _frontEnd = new SimulatedFrontEnd(_timeline, scoreClient, _producer, _scores, _options.MaxEventsPerRequest);
                await _frontEnd.RunAsync(running.Token);
            }
            catch (OperationCanceledException) when (running.IsCancellationRequested)
            {
                interrupted = cancellationToken.IsCancellationRequested;
            }
            _phase = DemoPhase.Draining;
            await DrainAsync();
            await ScrapeEndpointsAsync();
        }
        finally
        {
            _phase = DemoPhase.Draining;
            for (int i = _workers.Count - 1; i >= 0; i--)
            {
                try { await _workers[i].StopAsync(TimeSpan.FromSeconds(60)); }
                catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException) { _failures.Add($"{_workers[i].Name} did not stop cleanly: {e.Message}"); }
            }
            stopSampling.Cancel();
            try { await sampler; } catch (OperationCanceledException) { }
            _phase = DemoPhase.Done;
            var final = await SampleAsync();
            onSample?.Invoke(final);
            foreach (var w in _workers) await w.DisposeAsync();
            _producer?.Dispose();
        }
        return BuildReport(interrupted, backfillWall);
    }

    IDatasetReader OpenDataset()
    {
        var path = string.IsNullOrWhiteSpace(_options.DatasetPath) ? throw new DemoConfigurationException("No dataset folder given (--path).") : _options.DatasetPath;
        try
        {
            return DatasetCatalog.Open("movielens-1m", path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or DatasetFormatException)
        {
            throw new DemoConfigurationException($"{e.Message} (pass --path to the folder with ratings.dat, users.dat, movies.dat)", e);
        }
    }

    async Task StartWorkerAsync(DemoWorker worker, CancellationToken cancellationToken)
    {
        _workers.Add(worker);
        await worker.StartAsync(cancellationToken);
    }

    void Backfill(CancellationToken cancellationToken)
    {
        var events = _timeline!.Events;
        for (int i = 0; i < _timeline.BackfillCount; i++)
        {
            if ((i & 0xFFF) == 0) cancellationToken.ThrowIfCancellationRequested();
            _producer!.Produce(events[i]);
        }
        _producer!.Flush(cancellationToken);
    }

    /// <summary>
    /// The live part starts once the scorer serves a model trained on the backfill (or after
    /// <see cref="DemoOptions.WarmupTimeout"/>, when it plays unscored until a model arrives).
    /// </summary>
    async Task WaitForServedModelAsync(CancellationToken cancellationToken)
    {
        var deadline = _clock.Elapsed + _options.WarmupTimeout;
        while (_clock.Elapsed < deadline && (_last?.ServedVersion ?? 0) == 0) await Task.Delay(200, cancellationToken);
    }

    /// <summary>Every produced event acknowledged, then stored or dead-lettered by the ingest (bounded by <see cref="DemoOptions.DrainTimeout"/>).</summary>
    async Task DrainAsync()
    {
        using var timeout = new CancellationTokenSource(_options.DrainTimeout);
        try
        {
            await Task.Run(() => _producer!.Flush(timeout.Token), timeout.Token);
            while (!timeout.IsCancellationRequested && _failures.Count == 0)
            {
                var s = _last;
                if (s is not null && s.Stored + s.DeadLettered >= _producer!.Acknowledged) break;
                await Task.Delay(200, timeout.Token);
            }
        }
        catch (OperationCanceledException)
        {
            _failures.Add($"the ingest did not store every acknowledged event within {_options.DrainTimeout}");
        }
    }

    /// <summary>The workers' live <c>/metrics</c> over HTTP, once, before they stop (<see cref="DemoReport.FinalMetrics"/>).</summary>
    async Task ScrapeEndpointsAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var (worker, url) in _metricsUrls)
        {
            if (!_workers.Any(w => w.Name == worker)) continue;
            try { _finalMetrics[worker] = await http.GetStringAsync(url); }
            catch (HttpRequestException e) { _failures.Add($"the {worker} worker's {url} did not answer: {e.Message}"); }
        }
    }

    async Task SampleLoopAsync(Action<DemoSnapshot>? onSample, CancellationTokenSource crashed, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(_options.SampleInterval, stop);
            var snapshot = await SampleAsync();
            onSample?.Invoke(snapshot);
            if (snapshot.Failures.Count > 0 && !crashed.IsCancellationRequested) await crashed.CancelAsync();
        }
    }

    async Task<DemoSnapshot> SampleAsync()
    {
        var now = DateTime.UtcNow;
        var texts = new Dictionary<string, MetricsText>(StringComparer.Ordinal);
        foreach (var w in _workers)
        {
            texts[w.Name] = await w.ScrapeAsync();
            if (w.Failure is { } failure && !_failures.Contains(failure.ToString())) _failures.Add(failure.ToString());
        }
        var ingest = texts.GetValueOrDefault("ingest") ?? MetricsText.Empty;
        var trainer = texts.GetValueOrDefault("trainer") ?? MetricsText.Empty;
        var scorer = texts.GetValueOrDefault("scorer") ?? MetricsText.Empty;
        var previousScorer = _previous.GetValueOrDefault("scorer") ?? MetricsText.Empty;
        foreach (var (k, v) in texts) _previous[k] = v;

        long produced = _producer?.Acknowledged ?? 0;
        long stored = (long)Zero(ingest.Sum("flip_ingest_events_total", "outcome", "stored"));
        long deadLettered = (long)Zero(ingest.Sum("flip_ingest_events_total", "outcome", "dead_lettered"));
        var elapsed = _clock.Elapsed;
        double dt = _last is null ? elapsed.TotalSeconds : (elapsed - _last.Elapsed).TotalSeconds;
        long servedVersion = (long)Zero(scorer.Value("flip_scorer_model_version"));
        if (servedVersion != _lastServed && servedVersion > 0) RecordServed(servedVersion, now);
        _lastServed = servedVersion;
        var current = _served.Count > 0 ? _served[^1] : null;

        var snapshot = new DemoSnapshot
        {
            Elapsed = elapsed,
            Phase = _phase,
            EventClock = _frontEnd is { } f && _phase >= DemoPhase.Live ? _timeline!.EventClockAt(f.Elapsed) : null,
            Speedup = _timeline?.Speedup ?? 0,
            Produced = produced,
            TotalEvents = _timeline?.Events.Count ?? 0,
            ProducedPerSecond = dt > 0 ? (produced - (_last?.Produced ?? 0)) / dt : 0,
            Stored = stored,
            StoredPerSecond = dt > 0 ? (stored - (_last?.Stored ?? 0)) / dt : 0,
            DeadLettered = deadLettered,
            ConsumerLag = Zero(ingest.Sum("flip_ingest_consumer_lag")),
            TrainerWindows = trainer.Value("flip_trainer_windows_total"),
            TrainerDataLagSeconds = trainer.Value("flip_trainer_data_lag_seconds"),
            PrequentialAuc = trainer.Value("flip_trainer_window_auc"),
            PretrainRuns = Zero(trainer.Value("flip_trainer_pretrain_runs_total")),
            PretrainSeconds = Zero(trainer.Value("flip_trainer_pretrain_duration_seconds_sum")),
            PublishedVersion = (long)Zero(trainer.Value("flip_trainer_model_version")),
            ServedVersion = servedVersion,
            ModelAge = current is null ? null : now - current.PublishedUtc,
            ScorerLiveAuc = servedVersion > 0 ? scorer.Value("flip_scorer_live_auc", "version", ModelRegistry.FormatVersion(servedVersion)) : double.NaN,
            FrontEndLiveAuc = _scores.RecentAuc(),
            ScorerP99Seconds = scorer.Quantile(previousScorer, "flip_scorer_request_duration_seconds", 0.99, "endpoint", "/v1/score"),
            LiveScored = _scores.Count,
            LivePlayed = _frontEnd?.Played ?? 0,
            ClickToTrained = current?.ClickToTrained,
            TrainedToServed = current?.TrainedToServed,
            Failures = _failures.ToList(),
        };
        _last = snapshot;
        lock (_snapshots) _snapshots.Add(snapshot);
        return snapshot;
    }

    void RecordServed(long number, DateTime seenUtc)
    {
        var version = ModelRegistry.FormatVersion(number);
        try
        {
            var manifest = new ModelRegistry(RegistryRoot).Open(version).Manifest;
            var produced = manifest.DataWatermarkUtc is { } w ? _producer?.Clock.ProducedAt(w) : null;
            _served.Add(new ServedVersion(version, manifest.Kind, manifest.DataWatermarkUtc, produced, manifest.CreatedUtc, seenUtc));
        }
        catch (Exception e) when (e is CorruptModelException or IOException or UnauthorizedAccessException)
        {
            // Retention may have removed it already; the freshness table skips it.
        }
    }

    static double Zero(double value) => double.IsNaN(value) ? 0 : value;

    DemoReport BuildReport(bool interrupted, TimeSpan backfillWall)
    {
        var last = _last!;
        var evaluations = File.Exists(Path.Combine(RegistryRoot, EvaluationLog.FileName)) ? new ModelRegistry(RegistryRoot).Evaluation.ReadAll() : [];
        var scored = evaluations.Where(e => e.Auc is { } a && !double.IsNaN(a) && e.Count > 0).ToList();
        var aucs = scored.Select(e => e.Auc!.Value).ToList();
        var report = new DemoReport
        {
            WorkDirectory = _work,
            StoreRoot = StoreRoot,
            RegistryRoot = RegistryRoot,
            WallTime = _clock.Elapsed,
            Interrupted = interrupted,
            Failures = _failures.ToList(),
            DatasetEvents = _timeline!.Events.Count,
            BackfillEvents = _timeline.BackfillCount,
            LiveEvents = _timeline.LiveCount,
            Speedup = _timeline.Speedup,
            Produced = _producer?.Acknowledged ?? 0,
            Stored = last.Stored,
            DeadLettered = last.DeadLettered,
            BackfillWallTime = backfillWall,
            TrainerWindows = last.TrainerWindows,
            PretrainRuns = last.PretrainRuns,
            PretrainSeconds = last.PretrainSeconds,
            // Weighted by window size: the AUC a single model scoring every event before training on it would show.
            PrequentialAucMean = scored.Count > 0 ? scored.Sum(e => e.Auc!.Value * e.Count) / scored.Sum(e => e.Count) : double.NaN,
            PrequentialAucLast = aucs.Count > 0 ? aucs[^1] : double.NaN,
            PublishedVersions = new ModelRegistry(RegistryRoot).LatestVersion is { } latest ? long.Parse(latest, CultureInfo.InvariantCulture) : 0,
            LivePlayed = _frontEnd?.Played ?? 0,
            LiveScored = _scores.Count,
            LiveAucOverall = _scores.OverallAuc(),
            ScorerLiveAucLast = _snapshots.Select(s => s.ScorerLiveAuc).LastOrDefault(a => !double.IsNaN(a), double.NaN),
            ScoreP50Seconds = _frontEnd?.LatencyQuantile(0.5) ?? double.NaN,
            ScoreP99Seconds = _frontEnd?.LatencyQuantile(0.99) ?? double.NaN,
            ServedVersions = _served.ToList(),
            MetricsUrls = _metricsUrls.Where(kv => _workers.Any(w => w.Name == kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value.ToString()),
            FinalMetrics = new Dictionary<string, string>(_finalMetrics),
            Snapshots = _snapshots.ToList(),
        };
        return DemoArtifacts.Write(report);
    }
}
