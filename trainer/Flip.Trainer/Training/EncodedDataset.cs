using Flip.FeatureStore.Events;
using Flip.FeatureStore.Vocabulary;

namespace Flip.Trainer.Training;

/// <summary>Turns click events into a <see cref="SampleSet"/> through a vocabulary (unseen values map to their field's unknown id).</summary>
public static class EncodedDataset
{
    public static SampleSet Encode(IReadOnlyList<ClickEvent> events, FeatureVocabulary vocabulary)
    {
        int fields = vocabulary.Schema.FieldCount;
        var ids = new int[events.Count * fields];
        var labels = new float[events.Count];
        for (int i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e.Values.Length != fields)
                throw new ArgumentException($"Event '{e.Id}' has {e.Values.Length} values but schema '{vocabulary.Schema.Name}' has {fields} fields.", nameof(events));
            vocabulary.Encode(e, ids.AsSpan(i * fields, fields));
            labels[i] = e.Label;
        }
        return new SampleSet(ids, labels, fields);
    }
}
