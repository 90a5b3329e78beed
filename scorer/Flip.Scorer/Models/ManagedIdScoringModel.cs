using System.Buffers;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;
using Flip.FeatureStore.Vocabulary;

namespace Flip.Scorer.Models;

/// <summary>
/// The ID fast path without libtorch: a DCNv2 (or FLIP_ID whose ID side is a DCNv2) whose weights
/// <see cref="DcnV2Forward"/> copied out at load. Thread-safe and allocation-free per event, so each request is scored on
/// its own thread (<see cref="ScoresConcurrently"/>) instead of queueing for the batcher. CTR = 1/(1+exp(-logit)) in
/// float32, exactly the expression of <see cref="IdScoringModel"/> and the trainer's evaluator.
/// </summary>
public sealed class ManagedIdScoringModel(DcnV2Forward forward, FeatureVocabulary vocabulary) : IScoringModel
{
    public DatasetSchema Schema => vocabulary.Schema;
    public bool BenefitsFromBatching => false;
    public bool ScoresConcurrently => true;

    public void Score(IReadOnlyList<ClickEvent> events, Span<double> ctr)
    {
        var scratch = ArrayPool<float>.Shared.Rent(forward.ScratchLength);
        try
        {
            Span<int> ids = stackalloc int[forward.Fields];
            for (int i = 0; i < events.Count; i++)
            {
                vocabulary.Encode(events[i], ids);
                float logit = forward.Logit(ids, scratch);
                ctr[i] = 1f / (1f + MathF.Exp(-logit));
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    /// <summary>Nothing native to free: the weights are managed arrays, collected with the model.</summary>
    public void Dispose() { }
}
