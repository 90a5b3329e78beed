using Flip.FeatureStore.Readers;
using Flip.FeatureStore.Store;
using Flip.FeatureStore.Tests.Readers;

namespace Flip.FeatureStore.Tests.Store;

/// <summary>MovieLens-1M (../shared/datasets/movielens-1m) through the store: latin-1 titles, real times, real partitions.</summary>
public sealed class ParquetEventStoreRealDataTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void MovieLens_events_come_back_identical_and_in_reader_order()
    {
        var reader = DatasetCatalog.Open("movielens-1m", TestData.SharedDataset("movielens-1m"));
        int title = reader.Schema.IndexOf("title");
        // The first 3,000 events plus every event whose title has a non-ASCII letter (e.g. "Misérables"),
        // still in the reader's chronological order.
        var events = reader.ReadEvents().Where((e, i) => i < 3000 || e.Values[title].Any(c => c > 127)).ToList();
        Assert.Contains(events, e => e.Values[title].Contains("Misérables", StringComparison.Ordinal));

        var store = new ParquetEventStore(_dir.Path, reader.Schema, new ParquetStoreOptions { Fsync = false });
        var files = store.Append(events, "movielens-1m");

        Assert.Equal(events.Select(e => HourPartitionOf(e.EventTime)).Distinct().Count(), files.Count);
        Assert.Equal(events.Count, store.Count());
        SyntheticEvents.AssertSame(events, store.ReadAll().ToList());
        Assert.Equal(events.Max(e => e.EventTime), store.Watermark);
    }

    private static DateTime HourPartitionOf(DateTime t) => new(t.Year, t.Month, t.Day, t.Hour, 0, 0, DateTimeKind.Utc);
}
