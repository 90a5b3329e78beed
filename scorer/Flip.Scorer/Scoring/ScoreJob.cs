using Flip.FeatureStore.Events;
using Flip.Scorer.Models;

namespace Flip.Scorer.Scoring;

/// <summary>Events of one request waiting for a forward pass of <see cref="Model"/>; <see cref="Task"/> completes when <see cref="Scores"/> are written.</summary>
public sealed class ScoreJob
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ScoreJob(ServedModel model, IReadOnlyList<ClickEvent> events)
    {
        Model = model;
        Events = events;
        Scores = new double[events.Count];
    }

    /// <summary>The model to score with; the submitter holds a reference on it until the job completes.</summary>
    public ServedModel Model { get; }
    public IReadOnlyList<ClickEvent> Events { get; }
    public double[] Scores { get; }
    public Task Task => _done.Task;

    internal long EnqueuedTicks { get; set; }

    internal void Complete() => _done.TrySetResult();
    internal void Fail(Exception e) => _done.TrySetException(e);
}
