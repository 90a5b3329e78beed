using Flip.Scorer.Models;
using Flip.Scorer.Quality;
using Flip.Scorer.Requests;

namespace Flip.Scorer.Scoring;

/// <summary>The scores of one request and the version that produced them.</summary>
public sealed record ScoredRequest(ScoreRequest Request, string ModelVersion, string ModelKind, double[] Scores);

/// <summary>
/// What HTTP and Kafka share: take a reference on the serving model, validate the request against its schema, score it
/// through the batcher, remember the scores for the live-quality join (and have the predecessor shadow-score them while a
/// new version is on probation), release the reference. Never throws for a bad request: it returns the error.
/// </summary>
public sealed class ScoringService(ModelSlot slot, ScoreBatcher batcher, ScoreRequestParser parser, LiveQuality quality, ScorerMetrics metrics)
{
    public ModelSlot Slot => slot;

    public async Task<(ScoredRequest? Scored, ScoreRequestError? Error)> ScoreAsync(ReadOnlyMemory<byte> body)
    {
        var model = slot.Acquire();
        if (model is null) return (null, new ScoreRequestError(503, ScoreRequestError.NoModel, "no verified model is loaded yet"));
        try
        {
            var (request, error) = parser.Parse(body.Span, model.Model.Schema);
            if (error is not null) return (null, error);
            double[] scores;
            if (model.Model.ScoresConcurrently)
                scores = ScoreInline(model, request!.Events);
            else
            {
                var job = batcher.Enqueue(new ScoreJob(model, request!.Events));
                await job.Task.ConfigureAwait(false);
                scores = job.Scores;
            }
            metrics.Events.Inc(scores.Length);
            quality.Remember(model.Version, request.Events, scores);
            Shadow(model.Version, request);
            return (new ScoredRequest(request, model.Version, model.Kind, scores), null);
        }
        finally
        {
            model.Release();
        }
    }

    /// <summary>
    /// A thread-safe model scores on the request's own thread: no queue (waited 0), no thread hop, no batch to gather. On 2
    /// cores the hop to the batcher thread and back was two wake-ups per request, each one a chance to wait for a core.
    /// </summary>
    private double[] ScoreInline(ServedModel model, IReadOnlyList<Flip.FeatureStore.Events.ClickEvent> events)
    {
        var scores = new double[events.Count];
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        model.Model.Score(events, scores);
        metrics.ForwardSeconds.Observe(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
        metrics.QueueSeconds.Observe(0);
        metrics.BatchSize.Observe(events.Count);
        return scores;
    }

    private void Shadow(string version, ScoreRequest request)
    {
        var predecessor = quality.ShadowFor(version);
        if (predecessor is null) return;
        var job = new ScoreJob(predecessor, request.Events);
        if (!batcher.EnqueueShadow(job))
        {
            predecessor.Release();
            metrics.ShadowDropped.Inc();
            return;
        }
        job.Task.ContinueWith(t =>
        {
            predecessor.Release();
            if (t.IsCompletedSuccessfully) quality.RememberShadow(request.Events, job.Scores);
        }, TaskScheduler.Default);
    }
}
