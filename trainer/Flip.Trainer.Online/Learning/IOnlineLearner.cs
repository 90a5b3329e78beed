using Flip.FeatureStore.Events;
using Flip.Registry;

namespace Flip.Trainer.Online;

/// <summary>
/// A model the online trainer keeps fresh: scores events (prequential test), counts them into its id space (admission,
/// growth), forgets rows nobody saw for long (expiry), trains on them, saves and loads its full resume state, and
/// exports what a published version holds. One implementation per model family (ID zoo, FLIP).
/// </summary>
public interface IOnlineLearner : IDisposable
{
    /// <summary>The published <c>kind</c> (<c>dcnv2</c>, <c>flip-id</c>, ...).</summary>
    string Kind { get; }

    /// <summary>The id space (admission, expiry, growth).</summary>
    EmbeddingRowTable Rows { get; }

    /// <summary>FLIP's mixing weight a, or null for models without one.</summary>
    double? MixingWeight { get; }

    /// <summary>The PLM the model uses, or null.</summary>
    PlmIdentity? Plm { get; }

    /// <summary>Click probabilities' logits for the events, with the current weights and rows (no training, no counting).</summary>
    float[] Score(IReadOnlyList<ClickEvent> events);

    /// <summary>Counts the events into the id space: admits values, grows the tables when needed (old rows keep their weights and optimizer state).</summary>
    void Observe(IReadOnlyList<ClickEvent> events);

    /// <summary>Recycles rows unseen since <paramref name="now"/> minus the expiry: their weights and optimizer state are re-initialised.</summary>
    void Expire(DateTime now);

    /// <summary>Trains on the events (the configured passes, shuffled with a seed from <paramref name="window"/>); returns training samples/s.</summary>
    double Train(IReadOnlyList<ClickEvent> events, long window, CancellationToken cancellationToken);

    /// <summary>Writes weights, optimizer state and id space into a folder (the caller makes it atomic).</summary>
    void SaveState(string directory);

    /// <summary>The model as it would be published now (compact id space); write it with <see cref="PublishedExport.WriteTo"/>.</summary>
    PublishedExport Export();
}

/// <summary>A snapshot of a learner ready to be written into a registry staging folder.</summary>
public abstract class PublishedExport : IDisposable
{
    /// <summary>Version of the vocabulary written into the checkpoint (its id count, as <c>FeatureVocabulary.Version</c>).</summary>
    public abstract long VocabularyVersion { get; }

    /// <summary>Writes the checkpoint files into the (empty) folder.</summary>
    public abstract void WriteTo(string directory);

    public abstract void Dispose();
}
