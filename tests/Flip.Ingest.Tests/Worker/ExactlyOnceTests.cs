using Flip.FeatureStore.Store;
using Flip.FeatureStore.Vocabulary;
using Flip.Ingest.Pipeline;
using Flip.Ingest.Dev.Replay;
using Flip.Ingest.Worker;
using Prometheus;

namespace Flip.Ingest.Tests.Worker;

public class ExactlyOnceTests
{
    [Fact]
    public async Task Hundred_thousand_replayed_events_land_in_the_store_exactly_once()
    {
        using var kafka = new TestKafka(partitions: 4);
        var events = SyntheticClicks.Generate(100_000, hours: 5);
        CollectorRegistry metrics;

        await using (var run = await IngestRun.StartAsync(kafka.Kafka, kafka.Ingest(flushMessages: 10_000), kafka.Store()))
        {
            metrics = run.Metrics;
            var replayed = new EventReplayer(kafka.Kafka, SyntheticClicks.Schema).Replay(() => events, new ReplayOptions());
            Assert.Equal(events.Count, replayed.Produced);
            await run.WaitForAsync(events.Count, TimeSpan.FromMinutes(2));
            await run.StopAsync();
            Assert.Equal(events.Count, run.Statistics.Stored);
            Assert.Equal(0, run.Statistics.DeadLettered);
            // Offsets committed for every partition add up to every message.
            Assert.Equal(events.Count, run.Statistics.CommittedOffsets.Values.Sum());
        }

        var store = kafka.OpenStore();
        TestKafka.AssertExactlyOnce(events, store.ReadAll().ToList());
        // Every file is named after the offset range it holds.
        Assert.All(store.ListFiles(), f => Assert.True(BatchSourceId.TryParse(f.SourceId, out _), f.SourceId));

        // The vocabulary was saved with the store and knows every value that was ingested.
        var vocabulary = FeatureVocabulary.LoadLatest(new StoreLayout(kafka.StoreRoot).VocabularyDirectory, SyntheticClicks.Schema);
        foreach (var e in events.Take(500))
        {
            for (int f = 0; f < e.Values.Length; f++) Assert.NotEqual(vocabulary.UnknownId(f), vocabulary.Lookup(f, e.Values[f]));
        }
        Assert.Equal(events.Count, vocabulary.CountOf(vocabulary.Lookup(1, "female")) + vocabulary.CountOf(vocabulary.Lookup(1, "male")));

        // The run's own registry (injected, not the process-wide default) counted exactly these events.
        Assert.Equal(events.Count, await StoredMetric(metrics));
    }

    private static async Task<double> StoredMetric(CollectorRegistry registry)
    {
        var text = await Flip.Hosting.FlipMetrics.ExportAsync(registry);
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("flip_ingest_events_total{outcome=\"stored\"}", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
