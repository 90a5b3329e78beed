using System.Diagnostics;
using Flip.FeatureStore.Events;

namespace Flip.Scorer.Scoring;

/// <summary>
/// The one thread that runs forward passes. Requests enqueue <see cref="ScoreJob"/>s; the thread takes the oldest and adds
/// the jobs queued behind it for the same model version, up to <see cref="ScorerOptions.MaxBatchSize"/> events, into one
/// forward pass (micro-batching). For PLM kinds it first waits up to <see cref="ScorerOptions.MaxBatchDelay"/> for the
/// batch to fill; ID kinds never wait (under load the queue fills on its own). Shadow jobs (the rollback predecessor's
/// scores) run only when no request waits. One thread also means models may keep preallocated input buffers.
/// </summary>
public sealed class ScoreBatcher : IDisposable
{
    private readonly object _gate = new();
    private readonly Queue<ScoreJob> _jobs = new();
    private readonly Queue<ScoreJob> _shadow = new();
    private readonly ScorerOptions _options;
    private readonly ScorerMetrics _metrics;
    private readonly Thread _thread;
    private readonly List<ScoreJob> _batch = [];
    private readonly List<ClickEvent> _events = [];
    private readonly double[] _scores;
    private bool _stopping;

    /// <summary>Most shadow jobs kept waiting; more are dropped (the rollback check then sees fewer events).</summary>
    public const int ShadowQueueLimit = 10_000;

    public ScoreBatcher(ScorerOptions options, ScorerMetrics metrics)
    {
        _options = options;
        _metrics = metrics;
        _scores = new double[options.MaxBatchSize];
        _thread = new Thread(Run) { IsBackground = true, Name = "flip-scorer-batcher" };
        _thread.Start();
    }

    /// <summary>Queues a request's events; await <see cref="ScoreJob.Task"/>.</summary>
    public ScoreJob Enqueue(ScoreJob job)
    {
        job.EnqueuedTicks = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            if (_stopping) throw new ObjectDisposedException(nameof(ScoreBatcher));
            _jobs.Enqueue(job);
            if (_jobs.Count == 1) Monitor.Pulse(_gate);
        }
        return job;
    }

    /// <summary>Queues a job that runs only when no request waits; false when the shadow queue is full (dropped).</summary>
    public bool EnqueueShadow(ScoreJob job)
    {
        lock (_gate)
        {
            if (_stopping || _shadow.Count >= ShadowQueueLimit) return false;
            _shadow.Enqueue(job);
            Monitor.Pulse(_gate);
        }
        return true;
    }

    private void Run()
    {
        while (true)
        {
            ScoreJob first;
            bool shadow;
            lock (_gate)
            {
                while (_jobs.Count == 0 && _shadow.Count == 0 && !_stopping) Monitor.Wait(_gate);
                if (_stopping && _jobs.Count == 0 && _shadow.Count == 0) return;
                shadow = _jobs.Count == 0;
                first = shadow ? _shadow.Dequeue() : _jobs.Dequeue();
            }
            if (first.Events.Count >= _options.MaxBatchSize)
            {
                RunAlone(first);
                continue;
            }
            _batch.Clear();
            _events.Clear();
            _batch.Add(first);
            _events.AddRange(first.Events);
            if (!shadow) Gather(first);
            ScoreBatch(first.Model, shadow);
        }
    }

    private void Gather(ScoreJob first)
    {
        var model = first.Model;
        long deadline = first.EnqueuedTicks + (long)(_options.MaxBatchDelay.TotalSeconds * Stopwatch.Frequency);
        bool wait = model.Model.BenefitsFromBatching && _options.MaxBatchDelay > TimeSpan.Zero;
        lock (_gate)
        {
            while (true)
            {
                while (_jobs.TryPeek(out var next) && ReferenceEquals(next.Model, model) && _events.Count + next.Events.Count <= _options.MaxBatchSize)
                {
                    _jobs.Dequeue();
                    _batch.Add(next);
                    _events.AddRange(next.Events);
                }
                if (!wait || _events.Count >= _options.MaxBatchSize || _jobs.Count > 0 || _stopping) return;
                long left = deadline - Stopwatch.GetTimestamp();
                if (left <= 0) return;
                Monitor.Wait(_gate, TimeSpan.FromSeconds((double)left / Stopwatch.Frequency));
            }
        }
    }

    private void ScoreBatch(Models.ServedModel model, bool shadow)
    {
        try
        {
            long started = Stopwatch.GetTimestamp();
            if (!shadow)
                foreach (var job in _batch) _metrics.QueueSeconds.Observe((double)(started - job.EnqueuedTicks) / Stopwatch.Frequency);
            model.Model.Score(_events, _scores);
            _metrics.ForwardSeconds.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
            int at = 0;
            foreach (var job in _batch)
            {
                _scores.AsSpan(at, job.Events.Count).CopyTo(job.Scores);
                at += job.Events.Count;
            }
            if (!shadow) _metrics.BatchSize.Observe(_events.Count);
            foreach (var job in _batch) job.Complete();
        }
        catch (Exception e)
        {
            foreach (var job in _batch) job.Fail(e);
        }
    }

    private void RunAlone(ScoreJob job)
    {
        try
        {
            var chunk = new List<ClickEvent>(_options.MaxBatchSize);
            for (int start = 0; start < job.Events.Count; start += _options.MaxBatchSize)
            {
                int count = Math.Min(_options.MaxBatchSize, job.Events.Count - start);
                chunk.Clear();
                for (int i = 0; i < count; i++) chunk.Add(job.Events[start + i]);
                job.Model.Model.Score(chunk, job.Scores.AsSpan(start, count));
                _metrics.BatchSize.Observe(count);
            }
            job.Complete();
        }
        catch (Exception e)
        {
            job.Fail(e);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.PulseAll(_gate);
        }
        _thread.Join();
    }
}
