using Flip.FeatureStore.Events;
using Flip.Hosting;
using Flip.Ingest.Dev.Replay;
using Flip.Ingest.Pipeline;

namespace Flip.Ingest.Tests.Worker;

/// <summary>The same event (same id) produced twice is stored once within the window, also across a restart (issue 9, finding 8).</summary>
public class DeduplicationTests
{
    [Fact]
    public async Task Events_produced_twice_are_stored_once_counted_and_the_window_survives_a_restart()
    {
        using var kafka = new TestKafka(partitions: 2);
        var events = SyntheticClicks.Generate(400, prefix: "dup");
        var replayer = new EventReplayer(kafka.Kafka, SyntheticClicks.Schema);
        // A retrying producer without idempotence: some events arrive twice (same key, so the same partition).
        var retried = events.Take(300).Concat(events.Skip(100).Take(20)).Concat(events.Skip(300)).ToList();
        replayer.Replay(() => retried, new ReplayOptions());
        var ingest = kafka.Ingest();
        ingest.DeduplicationWindow = 10_000;

        await using (var run = await IngestRun.StartAsync(kafka.Kafka, ingest, kafka.Store()))
        {
            await run.WaitForAsync(retried.Count, TimeSpan.FromMinutes(1));
            await run.StopAsync();
            Assert.Equal(400, run.Statistics.Stored);
            Assert.Equal(20, run.Statistics.Duplicates);
            Assert.Contains("flip_ingest_events_total{outcome=\"duplicate\"} 20", await FlipMetrics.ExportAsync(run.Metrics), StringComparison.Ordinal);
        }

        // After a restart the window comes back from the store: old ids are still recognised, new ones stored.
        var more = SyntheticClicks.Generate(30, prefix: "dup-late");
        replayer.Replay(() => events.Skip(350).Take(10).Concat(more), new ReplayOptions());
        await using (var run = await IngestRun.StartAsync(kafka.Kafka, ingest, kafka.Store()))
        {
            await run.WaitForAsync(40, TimeSpan.FromMinutes(1));
            await run.StopAsync();
            Assert.Equal(30, run.Statistics.Stored);
            Assert.Equal(10, run.Statistics.Duplicates);
        }
        TestKafka.AssertExactlyOnce(events.Concat(more).ToList(), kafka.OpenStore().ReadAll().ToList());
    }

    [Fact]
    public async Task Without_a_window_the_same_id_is_stored_per_offset()
    {
        using var kafka = new TestKafka(partitions: 1);
        var events = SyntheticClicks.Generate(20, prefix: "twice");
        new EventReplayer(kafka.Kafka, SyntheticClicks.Schema).Replay(() => events.Concat(events.Take(5)), new ReplayOptions());

        await using var run = await IngestRun.StartAsync(kafka.Kafka, kafka.Ingest(), kafka.Store());
        await run.WaitForAsync(25, TimeSpan.FromMinutes(1));
        await run.StopAsync();
        Assert.Equal(25, run.Statistics.Stored); // default off: exactly-once is per Kafka offset
        Assert.Equal(0, run.Statistics.Duplicates);
    }
}
