using System.Diagnostics;
using System.Text;
using Flip.FeatureStore.Events;
using Flip.Ingest.Dev.Replay;

namespace Flip.Ingest.Tests.Dev.Replay;

public class EventReplayerTests
{
    [Fact]
    public void Replays_in_order_keyed_by_user_with_new_ids_per_repeat_and_a_limit()
    {
        using var kafka = new TestKafka(partitions: 2);
        var events = SyntheticClicks.Generate(300);
        var result = new EventReplayer(kafka.Kafka, SyntheticClicks.Schema).Replay(() => events, new ReplayOptions { Repeat = 2, Limit = 250 });
        Assert.Equal(500, result.Produced);
        Assert.Equal(0, result.Failed);

        var messages = kafka.ReadTopic(kafka.Kafka.ClicksTopic, 500, TimeSpan.FromSeconds(60));
        Assert.Equal(500, messages.Count);
        var json = new ClickEventJson(SyntheticClicks.Schema);
        var parsed = messages.Select(m => (m, e: json.Deserialize(m.Message.Value).Event!)).ToList();
        var expectedIds = events.Take(250).Select(e => e.Id).Concat(events.Take(250).Select(e => e.Id + "~r2")).Order(StringComparer.Ordinal);
        Assert.Equal(expectedIds, parsed.Select(p => p.e.Id).Order(StringComparer.Ordinal));
        foreach (var (m, e) in parsed) Assert.Equal(e.Values[0], Encoding.UTF8.GetString(m.Message.Key!));
        // Within a partition the stream stays chronological per pass (one user's events never reorder).
        foreach (var partition in parsed.GroupBy(p => p.m.Partition.Value))
        {
            var firstPass = partition.Where(p => !p.e.Id.EndsWith("~r2", StringComparison.Ordinal)).OrderBy(p => p.m.Offset.Value).Select(p => p.e.EventTime).ToList();
            Assert.Equal(firstPass.Order(), firstPass);
        }
    }

    [Fact]
    public void Holds_the_requested_rate()
    {
        using var kafka = new TestKafka(partitions: 1);
        var events = SyntheticClicks.Generate(600);
        var clock = Stopwatch.StartNew();
        var result = new EventReplayer(kafka.Kafka, SyntheticClicks.Schema).Replay(() => events, new ReplayOptions { EventsPerSecond = 1000 });
        Assert.Equal(600, result.Produced);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.55, 10);
    }
}
