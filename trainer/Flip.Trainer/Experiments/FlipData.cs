using Flip.FeatureStore.Store;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;
using Flip.FeatureStore.Text;
using Flip.FeatureStore.Vocabulary;
using Flip.Trainer.Training;

namespace Flip.Trainer.Experiments;

/// <summary>
/// The pairs a FLIP run trains on: events in chronological order, split as the paper does (test = latest 10%,
/// validation = latest 10% of the rest), turned into text-tabular pairs with the PLM's own WordPiece vocabulary.
/// Feature ids come from <see cref="Vocabulary"/>, built from train + validation only unless one is given
/// (finetuning encodes with the pretraining checkpoint's vocabulary).
/// </summary>
public sealed record FlipData(DatasetSchema Schema, FeatureVocabulary Vocabulary, ChronologicalSplit Split,
    TextTabularPair[] Train, TextTabularPair[] Validation, TextTabularPair[] Test)
{
    /// <summary>
    /// Splits <paramref name="events"/> (chronological) and builds the three pair sets.
    /// </summary>
    /// <param name="vocabulary">The vocabulary to encode with, or null to build one from the train and validation parts.</param>
    /// <param name="plmVocabPath">The PLM's vocab.txt: the text side must use the PLM's token ids.</param>
    /// <param name="maxLength">Tokens per text, [CLS] and [SEP] included.</param>
    public static FlipData Create(DatasetSchema schema, IReadOnlyList<ClickEvent> events, FeatureVocabulary? vocabulary, string plmVocabPath, int maxLength)
    {
        var defaults = new IdTrainingOptions();
        var split = ChronologicalSplit.Of(events.Count, defaults.TestFraction, defaults.ValidationFraction);
        vocabulary ??= FeatureVocabulary.Build(schema, events.Take(split.TrainAllCount));
        var builder = new TextTabularPairBuilder(schema, vocabulary, new TextPairOptions { VocabPath = plmVocabPath, MaxLength = maxLength });
        TextTabularPair[] Part(int start, int count) => Pairs(builder, events.Skip(start).Take(count).ToList());
        return new FlipData(schema, vocabulary, split,
            Part(0, split.TrainCount), Part(split.TrainCount, split.ValidationCount), Part(split.TrainAllCount, split.TestCount));
    }

    /// <summary>
    /// The pairs of <paramref name="events"/>, in order, encoded by <paramref name="builder"/> (its vocabulary and tokenizer):
    /// the seam for a long-running trainer that builds pairs from a window of recent events.
    /// </summary>
    public static TextTabularPair[] Pairs(TextTabularPairBuilder builder, IReadOnlyList<ClickEvent> events)
    {
        var pairs = new TextTabularPair[events.Count];
        for (var i = 0; i < pairs.Length; i++) pairs[i] = builder.Build(events[i]);
        return pairs;
    }
}
