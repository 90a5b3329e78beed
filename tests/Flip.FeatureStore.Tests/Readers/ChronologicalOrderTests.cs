using Flip.FeatureStore.Events;
using Flip.FeatureStore.Readers;

namespace Flip.FeatureStore.Tests.Readers;

public sealed class ChronologicalOrderTests
{
    [Fact]
    public void Sort_is_by_time_and_keeps_read_order_for_ties()
    {
        var random = new Random(7);
        var events = Enumerable.Range(0, 20_000)
            .Select(i => new ClickEvent($"e{i}", DateTime.UnixEpoch.AddSeconds(random.Next(50)), [], 0))
            .ToList();
        var expected = events.OrderBy(e => e.EventTime).Select(e => e.Id).ToList(); // LINQ OrderBy is stable

        ChronologicalOrder.SortStable(events);

        Assert.Equal(expected, events.Select(e => e.Id));
    }

    [Fact]
    public void Sorted_input_is_left_as_it_is()
    {
        var events = Enumerable.Range(0, 5).Select(i => new ClickEvent($"e{i}", DateTime.UnixEpoch.AddSeconds(i / 2), [], 0)).ToList();
        var before = events.ToList();
        ChronologicalOrder.SortStable(events);
        Assert.Equal(before, events);
    }
}
