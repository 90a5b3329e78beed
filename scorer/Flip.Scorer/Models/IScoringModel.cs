using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;

namespace Flip.Scorer.Models;

/// <summary>
/// A loaded model that turns events into click probabilities. Unless <see cref="ScoresConcurrently"/>, <see cref="Score"/>
/// is called by one thread at a time (the <see cref="Scoring.ScoreBatcher"/>'s), so implementations may keep preallocated buffers.
/// </summary>
public interface IScoringModel : IDisposable
{
    /// <summary>The schema events must follow (field names, order).</summary>
    DatasetSchema Schema { get; }

    /// <summary>True for kinds that run the PLM: concurrent requests are worth waiting a little for (micro-batching).</summary>
    bool BenefitsFromBatching { get; }

    /// <summary>
    /// True when <see cref="Score"/> is thread-safe and cheap (the managed ID forward): each request is scored on its own
    /// thread, with no queue and no hop to the batcher thread; any number of events per call.
    /// </summary>
    bool ScoresConcurrently { get; }

    /// <summary>Writes the CTR of <paramref name="events"/>[i] to <paramref name="ctr"/>[i]; at most the batch size it was built for.</summary>
    void Score(IReadOnlyList<ClickEvent> events, Span<double> ctr);
}
