using Flip.FeatureStore.Store;
using Flip.Ingest.Worker;

namespace Flip.Ingest.Tests.Worker;

public class BatchSourceIdTests
{
    [Theory]
    [InlineData("flip.clicks", 3, 0, 99)]
    [InlineData("my-topic-with-dashes", 12, 1_000_000_000_000, 1_000_000_000_123)]
    public void Round_trips_and_is_a_valid_store_source_id(string topic, int partition, long first, long last)
    {
        var id = new BatchSourceId(topic, partition, first, last);
        var text = id.ToString();
        ParquetEventStore.ValidateSourceId(text);
        Assert.True(BatchSourceId.TryParse(text, out var parsed));
        Assert.Equal(id, parsed);
    }

    [Fact]
    public void Names_sort_by_offset()
    {
        var a = new BatchSourceId("t", 0, 9, 99).ToString();
        var b = new BatchSourceId("t", 0, 100, 150).ToString();
        Assert.True(string.CompareOrdinal(a, b) < 0);
    }

    [Theory]
    [InlineData("manual-import")]
    [InlineData("t-x-1-2")]
    [InlineData("t-1-2")]
    [InlineData("nodashes")]
    public void Foreign_source_ids_are_not_parsed(string sourceId) => Assert.False(BatchSourceId.TryParse(sourceId, out _));
}
