using Flip.FeatureStore.Events;
using Flip.FeatureStore.Readers;
using Flip.FeatureStore.Schema;
using Flip.FeatureStore.Text;
using Flip.FeatureStore.Vocabulary;
using Flip.Trainer.Training;

namespace Flip.Cli;

/// <summary>
/// The pairs a FLIP run trains on: events in chronological order, split as the paper does (test = latest 10%,
/// validation = latest 10% of the rest), turned into text-tabular pairs with the PLM's own vocabulary.
/// </summary>
internal sealed record FlipRunData(DatasetSchema Schema, FeatureVocabulary Vocabulary, ChronologicalSplit Split,
    TextTabularPair[] Train, TextTabularPair[] Validation, TextTabularPair[] Test)
{
    public static (DatasetSchema Schema, List<ClickEvent> Events) Read(string dataset, string path, int? limit)
    {
        var reader = DatasetCatalog.Open(dataset, path);
        var events = limit is { } n ? reader.ReadEvents().Take(n).ToList() : reader.ReadEvents().ToList();
        return (reader.Schema, events);
    }

    /// <param name="vocabulary">The vocabulary to encode with, or null to build one from the train and validation parts.</param>
    public static FlipRunData Build(DatasetSchema schema, List<ClickEvent> events, FeatureVocabulary? vocabulary, string plmVocabPath, int maxLength)
    {
        var defaults = new IdTrainingOptions();
        var split = ChronologicalSplit.Of(events.Count, defaults.TestFraction, defaults.ValidationFraction);
        vocabulary ??= FeatureVocabulary.Build(schema, events.Take(split.TrainAllCount));
        var builder = new TextTabularPairBuilder(schema, vocabulary, new TextPairOptions { VocabPath = plmVocabPath, MaxLength = maxLength });
        TextTabularPair[] Pairs(int start, int count) => events.Skip(start).Take(count).Select(builder.Build).ToArray();
        return new FlipRunData(schema, vocabulary, split,
            Pairs(0, split.TrainCount), Pairs(split.TrainCount, split.ValidationCount), Pairs(split.TrainAllCount, split.TestCount));
    }
}
