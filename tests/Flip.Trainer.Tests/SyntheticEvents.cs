using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;

namespace Flip.Trainer.Tests;

/// <summary>Synthetic click events (strings, timestamps) with an interaction-driven label, for the event-level pipeline.</summary>
internal static class SyntheticEvents
{
    public static readonly DatasetSchema Schema = new("synthetic", [
        new FieldSchema("user", "user"),
        new FieldSchema("item", "item"),
        new FieldSchema("context", "context"),
    ], new LabelRule(0.5));

    public static List<ClickEvent> Generate(int count, int seed = 1)
    {
        var (samples, _) = SyntheticClicks.Generate(count, fields: 3, cardinality: 12, seed: seed);
        var start = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var events = new List<ClickEvent>(count);
        for (int i = 0; i < count; i++)
        {
            var ids = samples.IdsOf(i);
            events.Add(new ClickEvent($"e{i}", start.AddMinutes(i), [$"u{ids[0]}", $"i{ids[1]}", $"c{ids[2]}"], (byte)samples.LabelOf(i)));
        }
        return events;
    }
}
