using System.Diagnostics;
using Confluent.Kafka;
using Flip.Hosting;
using Flip.Ingest.Dev.Kafka;

namespace Flip.Scorer.Tests;

/// <summary>The embedded broker (librdkafka mock cluster) with every topic the scorer reads or writes.</summary>
internal sealed class TestBroker : IDisposable
{
    public TestBroker()
    {
        Broker = new EmbeddedKafkaBroker();
        Broker.CreateTopic(TopicNames.Requests, 2);
        Broker.CreateTopic(TopicNames.Scores, 1);
        Broker.CreateTopic(TopicNames.RequestsDeadLetter, 1);
        Broker.CreateTopic(TopicNames.Models, 1);
        Broker.CreateTopic(TopicNames.Clicks, 2);
    }

    public EmbeddedKafkaBroker Broker { get; }
    public string Bootstrap => Broker.BootstrapServers;

    public void Produce(string topic, IEnumerable<(string? Key, byte[] Value)> messages)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = Bootstrap, EnableIdempotence = true, Acks = Acks.All }).Build();
        foreach (var (key, value) in messages)
            producer.Produce(topic, new Message<byte[]?, byte[]?> { Key = key is null ? null : System.Text.Encoding.UTF8.GetBytes(key), Value = value });
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }

    /// <summary>Reads a topic from the start until <paramref name="expected"/> messages arrived or the timeout passed.</summary>
    public List<ConsumeResult<byte[]?, byte[]?>> Read(string topic, int expected, TimeSpan timeout)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = Bootstrap,
            GroupId = $"reader-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            SessionTimeoutMs = 6_000,
        }).Build();
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

    public void Dispose() => Broker.Dispose();
}
