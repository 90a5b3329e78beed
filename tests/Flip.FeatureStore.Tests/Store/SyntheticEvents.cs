using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;

namespace Flip.FeatureStore.Tests.Store;

/// <summary>Small deterministic click streams for tests: a four-field schema and events at chosen times.</summary>
internal static class SyntheticEvents
{
    public static readonly DatasetSchema Schema = new("synthetic",
        [
            new FieldSchema("user_id", "user id"),
            new FieldSchema("item_id", "item id"),
            new FieldSchema("title", "title"),
            new FieldSchema("age", "age", FieldKind.Numeric),
        ],
        new LabelRule(3));

    public static readonly DateTime Start = new(2000, 12, 31, 22, 0, 0, DateTimeKind.Utc);

    private static readonly string[] Titles = ["Amélie (2001)", "Toy Story (1995)", "Æon Flux", "東京物語", "Smörgåsbord, \"quoted\"", ""];

    /// <summary>One event; values derive from <paramref name="n"/> so every event is distinct.</summary>
    public static ClickEvent Event(int n, DateTime time, string? idPrefix = null) =>
        new($"{idPrefix ?? "e"}{n}", time,
            [$"u{n % 7}", $"i{n % 11}", Titles[n % Titles.Length], (18 + n % 40).ToString()],
            (byte)(n % 3 == 0 ? 1 : 0));

    /// <summary><paramref name="count"/> events from <paramref name="start"/>, one every <paramref name="step"/>.</summary>
    public static List<ClickEvent> Stream(int count, DateTime start, TimeSpan step, string? idPrefix = null) =>
        Enumerable.Range(0, count).Select(n => Event(n, start + step * n, idPrefix)).ToList();

    /// <summary>Compares all parts of two events (records compare arrays by reference).</summary>
    public static void AssertSame(ClickEvent expected, ClickEvent actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.EventTime, actual.EventTime);
        Assert.Equal(DateTimeKind.Utc, actual.EventTime.Kind);
        Assert.Equal(expected.Values, actual.Values);
        Assert.Equal(expected.Label, actual.Label);
    }

    public static void AssertSame(IReadOnlyList<ClickEvent> expected, IReadOnlyList<ClickEvent> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++) AssertSame(expected[i], actual[i]);
    }
}

/// <summary>A fresh folder under the system temp folder, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "flip-store-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
