using System.Diagnostics;
using Confluent.Kafka;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Readers;
using Flip.Hosting;
using Flip.Ingest.Dev.Kafka;
using Flip.Ingest.Dev.Replay;
using Flip.Ingest.Worker;
using Flip.Registry;
using Flip.Trainer.Checkpoints;
using Microsoft.Extensions.Hosting;

namespace Flip.Trainer.Online.Tests.Worker;

/// <summary>
/// The live loop with real parts: embedded Kafka broker, replay of click events, the ingest worker filling a Parquet
/// store, and the trainer following the store as it fills, publishing verified versions announced on flip.models.
/// </summary>
public sealed class LiveLoopTests
{
    [Fact]
    public async Task Replay_ingest_and_trainer_publish_at_least_two_verified_versions_while_the_store_fills()
    {
        using var broker = new EmbeddedKafkaBroker();
        var kafka = new KafkaOptions { BootstrapServers = broker.BootstrapServers };
        broker.CreateIngestTopics(kafka, partitions: 2);
        broker.CreateTopic(TopicNames.Models, 1);
        var root = TestStores.TempDirectory("live");
        var storeRoot = Path.Combine(root, "store");
        var registryRoot = Path.Combine(root, "registry");
        Directory.CreateDirectory(storeRoot);

        using var ingest = IngestHost.CreateBuilder(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = broker.BootstrapServers,
            ["Store:Root"] = storeRoot,
            ["Store:Fsync"] = "false",
            ["Ingest:Dataset"] = "movielens-1m",
            ["Ingest:ConsumerGroup"] = "live-loop-test",
            ["Ingest:FlushMessages"] = "200",
            ["Ingest:FlushInterval"] = "00:00:00.300",
            ["Ingest:SessionTimeoutMs"] = "6000",
            ["Ingest:HeartbeatIntervalMs"] = "500",
            ["Ingest:MetricsPort"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
        }).Build();
        var trainerBuilder = TrainerHost.CreateBuilder(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = broker.BootstrapServers,
            ["Store:Root"] = storeRoot,
            ["Store:Fsync"] = "false",
            ["Registry:Root"] = registryRoot,
            ["Trainer:Dataset"] = "movielens-1m",
            ["Trainer:Window"] = "01:00:00",
            ["Trainer:AllowedLateness"] = "00:00:00",
            ["Trainer:PublishEveryWindows"] = "2",
            ["Trainer:PublishInterval"] = "00:00:00",
            ["Trainer:PollInterval"] = "00:00:00.200",
            ["Trainer:InitialRows"] = "256",
            ["Trainer:Threads"] = "1",
            ["Trainer:IdModel:EmbeddingSize"] = "8",
            ["Trainer:IdModel:HiddenUnits:0"] = "16",
            ["Trainer:MetricsPort"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        using var trainer = trainerBuilder.Build();
        await ingest.StartAsync();
        await trainer.StartAsync();

        // 12 event-time hours, paced so the trainer sees the store grow while it trains.
        var events = MovieLensLike(2_400, hours: 12);
        var replay = Task.Run(() => new EventReplayer(kafka, MovieLens1MReader.Schema).Replay(() => events, new ReplayOptions { EventsPerSecond = 400 }));
        Assert.Equal(events.Count, (await replay).Produced);

        var registry = new ModelRegistry(registryRoot);
        var clock = Stopwatch.StartNew();
        // Hours 0-10 close once hour 11 is in the store (the last hour stays open: the stream goes on).
        while (registry.Evaluation.ReadAll().Count < 11 && clock.Elapsed < TimeSpan.FromSeconds(120)) await Task.Delay(200);
        await trainer.StopAsync();
        await ingest.StopAsync();

        var log = registry.Evaluation.ReadAll();
        Assert.Equal(Enumerable.Range(0, 11).Select(i => (long)i), log.Select(e => e.Window));
        var versions = registry.ListVersions();
        Assert.True(versions.Count >= 2, $"versions: {string.Join(",", versions)}");
        foreach (var version in versions)
        {
            var model = registry.Open(version); // every sha256 verified
            using var loaded = IdCheckpoint.Load(model.Directory, MovieLens1MReader.Schema).Model;
            Assert.Equal("dcnv2", model.Manifest.Kind);
            Assert.Equal("movielens-1m", model.Manifest.Dataset);
        }
        var announced = ReadAnnouncements(kafka, versions.Count);
        Assert.True(announced.Count >= 2);
        Assert.All(announced, a => Assert.Equal("dcnv2", a.Kind));
        Assert.Contains(announced, a => a.Version == registry.LatestVersion);
    }

    private static List<ClickEvent> MovieLensLike(int count, int hours)
    {
        var random = new Random(3);
        var start = new DateTime(2000, 5, 1, 0, 0, 0, DateTimeKind.Utc);
        var events = new List<ClickEvent>(count);
        for (int i = 0; i < count; i++)
        {
            int user = random.Next(60), movie = random.Next(80);
            bool click = (user % 3 == 0) != (movie % 4 == 0);
            events.Add(new ClickEvent($"live-{i}", start.AddSeconds(hours * 3600.0 * i / count),
                [$"{user}", user % 2 == 0 ? "F" : "M", $"{user % 7}", $"{user % 5}", $"{10000 + user}", $"{movie}", $"Movie {movie}", "Drama"],
                (byte)(click ? 1 : 0)));
        }
        return events;
    }

    private static List<ModelAnnouncement> ReadAnnouncements(KafkaOptions kafka, int expected)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(kafka.Apply(new ConsumerConfig
        {
            GroupId = $"announcements-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        })).Build();
        consumer.Assign(new TopicPartitionOffset(TopicNames.Models, 0, Offset.Beginning));
        var result = new List<ModelAnnouncement>();
        var clock = Stopwatch.StartNew();
        while (result.Count < expected && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            var message = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (message?.Message is { } m) result.Add(ModelAnnouncement.Parse(m.Value));
        }
        return result;
    }
}
