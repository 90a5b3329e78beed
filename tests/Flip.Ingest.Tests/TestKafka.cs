using System.Diagnostics;
using Confluent.Kafka;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Store;
using Flip.Ingest.Dev.Kafka;
using Flip.Hosting;
using Flip.Ingest.Kafka;
using Flip.Ingest.Worker;

namespace Flip.Ingest.Tests;

/// <summary>Shared set-up: a broker with the ingest topics, a temp store folder, options tuned for quick tests.</summary>
internal sealed class TestKafka : IDisposable
{
    public TestKafka(int partitions = 4)
    {
        Broker = new EmbeddedKafkaBroker();
        Kafka = new KafkaOptions { BootstrapServers = Broker.BootstrapServers };
        Broker.CreateIngestTopics(Kafka, partitions);
        StoreRoot = Path.Combine(Path.GetTempPath(), $"flip-ingest-test-{Guid.NewGuid():N}");
    }

    public EmbeddedKafkaBroker Broker { get; }
    public KafkaOptions Kafka { get; }
    public string StoreRoot { get; }

    /// <summary>Short session timeout: the mock group waits that long for a dead member before rebalancing.</summary>
    public IngestOptions Ingest(int flushMessages = 5_000) => new()
    {
        Dataset = "movielens-1m",
        ConsumerGroup = "flip-ingest-test",
        FlushMessages = flushMessages,
        FlushInterval = TimeSpan.FromMilliseconds(500),
        SessionTimeoutMs = 6_000,
        HeartbeatIntervalMs = 500,
        MetricsPort = 0,
    };

    /// <summary>Real Parquet files; fsync off because these tests kill processes, not machines (the page cache survives).</summary>
    public ParquetStoreOptions Store() => new() { Root = StoreRoot, Fsync = false };

    public ParquetEventStore OpenStore() => new(StoreRoot, SyntheticClicks.Schema, Store());

    /// <summary>
    /// Produces raw values (null key) to a topic and waits for the acknowledgements. The producer takes messages up to
    /// 32 MB (poison-message tests); with <paramref name="oneBatchEach"/> every message is its own produce batch.
    /// </summary>
    public void ProduceRaw(IEnumerable<byte[]?> values, string? topic = null, bool oneBatchEach = false, int? partition = null)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(Kafka.Apply(new ProducerConfig
        {
            EnableIdempotence = true, Acks = Acks.All, MessageMaxBytes = 32_000_000,
        })).Build();
        foreach (var v in values)
        {
            var message = new Message<byte[]?, byte[]?> { Value = v };
            if (partition is { } p) producer.Produce(new TopicPartition(topic ?? Kafka.ClicksTopic, p), message);
            else producer.Produce(topic ?? Kafka.ClicksTopic, message);
            if (oneBatchEach) Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }

    /// <summary>The partition's low and high watermarks as the broker reports them now.</summary>
    public WatermarkOffsets Watermarks(int partition, string? topic = null)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(Kafka.Apply(new ConsumerConfig { GroupId = "watermarks" })).Build();
        return consumer.QueryWatermarkOffsets(new TopicPartition(topic ?? Kafka.ClicksTopic, partition), TimeSpan.FromSeconds(10));
    }

    /// <summary>Reads a whole topic from the start (stops after <paramref name="expected"/> messages or the timeout).</summary>
    public List<ConsumeResult<byte[]?, byte[]?>> ReadTopic(string topic, int expected, TimeSpan timeout)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(Kafka.Apply(new ConsumerConfig
        {
            GroupId = $"reader-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            SessionTimeoutMs = 6_000,
        })).Build();
        consumer.Subscribe(topic);
        var results = new List<ConsumeResult<byte[]?, byte[]?>>();
        var clock = Stopwatch.StartNew();
        while (results.Count < expected && clock.Elapsed < timeout)
        {
            var r = consumer.Consume(200);
            if (r is not null && !r.IsPartitionEOF) results.Add(r);
        }
        consumer.Close();
        return results;
    }

    /// <summary>Asserts every expected event is in the store exactly once, and nothing else is.</summary>
    public static void AssertExactlyOnce(IReadOnlyCollection<ClickEvent> expected, IReadOnlyList<ClickEvent> stored)
    {
        var duplicates = stored.GroupBy(e => e.Id).Where(g => g.Count() > 1).Select(g => g.Key).Take(5).ToList();
        Assert.True(duplicates.Count == 0, $"Duplicated ids in the store, e.g. {string.Join(", ", duplicates)}");
        var storedIds = stored.Select(e => e.Id).ToHashSet();
        var missing = expected.Where(e => !storedIds.Contains(e.Id)).Select(e => e.Id).Take(5).ToList();
        Assert.True(missing.Count == 0, $"{expected.Count - stored.Count(e => true)} events missing, e.g. {string.Join(", ", missing)}");
        Assert.Equal(expected.Count, stored.Count);
        var byId = expected.ToDictionary(e => e.Id);
        foreach (var e in stored)
        {
            var want = byId[e.Id];
            Assert.Equal(want.EventTime, e.EventTime);
            Assert.Equal(want.Label, e.Label);
            Assert.Equal(want.Values, e.Values);
        }
    }

    public void Dispose()
    {
        Broker.Dispose();
        try { Directory.Delete(StoreRoot, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
