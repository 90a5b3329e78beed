using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;
using Flip.FeatureStore.Store;

namespace Flip.Trainer.Online.Tests;

/// <summary>Real Parquet stores in temp folders, filled with synthetic click events whose label depends on the features.</summary>
internal static class TestStores
{
    public static readonly DatasetSchema Schema = new("synthetic", [
        new FieldSchema("user", "user"),
        new FieldSchema("item", "item"),
        new FieldSchema("context", "context"),
    ], new LabelRule(0.5));

    public static readonly DateTime Start = new(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static string TempDirectory(string name)
    {
        var path = Path.Combine(Path.GetTempPath(), "flip-online-tests", $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    public static ParquetEventStore Open(string root) => new(root, Schema, new ParquetStoreOptions { Fsync = false, Parallelism = 1 });

    /// <summary>
    /// <paramref name="count"/> events, one every <paramref name="step"/> from <see cref="Start"/> plus <paramref name="offset"/>;
    /// users and items drawn from small pools; clicked when the user is even and the item not a multiple of 3, flipped for 10% of events.
    /// </summary>
    public static List<ClickEvent> Events(int count, TimeSpan step, int seed = 1, int users = 20, int items = 30, TimeSpan offset = default, string prefix = "e")
    {
        var random = new Random(seed);
        var events = new List<ClickEvent>(count);
        for (int i = 0; i < count; i++)
        {
            int u = random.Next(users), it = random.Next(items);
            bool click = u % 2 == 0 && it % 3 != 0;
            if (random.NextDouble() < 0.1) click = !click;
            events.Add(new ClickEvent($"{prefix}{i}", Start + offset + step * i, [$"u{u}", $"i{it}", $"c{i % 3}"], (byte)(click ? 1 : 0)));
        }
        return events;
    }
}
