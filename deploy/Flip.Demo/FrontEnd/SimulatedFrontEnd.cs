using System.Diagnostics;
using Flip.Demo.Replay;
using Flip.FeatureStore.Events;

namespace Flip.Demo.FrontEnd;

/// <summary>
/// A simulated site for the live part: when an event falls due on the accelerated event clock, the site first asks the
/// scorer for its CTR (as a real site would before showing the item), then the user's click happens: the event with its
/// label goes to <c>flip.clicks</c>. Events due together go in one request (at most <c>maxPerRequest</c>). Before the
/// first model is served the scorer answers 503 and the click still happens, unscored.
/// </summary>
public sealed class SimulatedFrontEnd(DemoTimeline timeline, ScoreClient? client, ClickProducer producer, ServedScores served, int maxPerRequest)
{
    private readonly object _gate = new();
    private readonly List<double> _latencies = [];
    private long _played, _unscored, _requests, _errors;
    private string? _lastError;

    /// <summary>Live events produced so far.</summary>
    public long Played => Interlocked.Read(ref _played);

    /// <summary>Live events produced without a score (no model served yet, or the request failed).</summary>
    public long Unscored => Interlocked.Read(ref _unscored);

    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Requests that failed (connection refused, 5xx other than 503).</summary>
    public long Errors => Interlocked.Read(ref _errors);

    public string? LastError => Volatile.Read(ref _lastError);

    /// <summary>Wall time since the live part started; zero before.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    private readonly Stopwatch _clock = new();

    /// <summary>Round-trip latency quantile (seconds) of the front end's scoring requests; NaN before any.</summary>
    public double LatencyQuantile(double q)
    {
        lock (_gate)
        {
            if (_latencies.Count == 0) return double.NaN;
            var sorted = _latencies.ToArray();
            Array.Sort(sorted);
            return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        }
    }

    /// <summary>Plays the live part; returns when every live event was produced (acknowledgements are the caller's flush).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var events = timeline.Events;
        int next = timeline.BackfillCount;
        var batch = new List<ClickEvent>(maxPerRequest);
        _clock.Start();
        while (next < events.Count)
        {
            var wait = timeline.DueAfter(events[next]) - _clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait < TimeSpan.FromMilliseconds(250) ? wait : TimeSpan.FromMilliseconds(250), cancellationToken);
                continue;
            }
            batch.Clear();
            var now = _clock.Elapsed;
            while (next < events.Count && batch.Count < maxPerRequest && timeline.DueAfter(events[next]) <= now) batch.Add(events[next++]);
            await ScoreAsync(batch, cancellationToken);
            foreach (var e in batch) producer.Produce(e);
            Interlocked.Add(ref _played, batch.Count);
        }
    }

    async Task ScoreAsync(List<ClickEvent> batch, CancellationToken cancellationToken)
    {
        if (client is null)
        {
            Interlocked.Add(ref _unscored, batch.Count);
            return;
        }
        Interlocked.Increment(ref _requests);
        ScoreClient.Answer answer;
        try
        {
            answer = await client.ScoreAsync(batch, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or System.Text.Json.JsonException
                                   || e is TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref _errors);
            Volatile.Write(ref _lastError, e.Message.ReplaceLineEndings(" "));
            Interlocked.Add(ref _unscored, batch.Count);
            return;
        }
        lock (_gate) _latencies.Add(answer.Latency.TotalSeconds);
        if (answer.Scores is null)
        {
            Interlocked.Add(ref _unscored, batch.Count);
            return;
        }
        foreach (var e in batch)
        {
            if (answer.Scores.TryGetValue(e.Id, out var ctr)) served.Add(ctr, e.Label);
            else Interlocked.Increment(ref _unscored);
        }
    }
}
