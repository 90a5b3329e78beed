using System.Net;
using System.Net.Sockets;
using System.Text;
using Confluent.Kafka;
using Flip.Ingest.Dev.Kafka;
using Flip.Hosting;
using Flip.Ingest.Kafka;

namespace Flip.Ingest.Tests.Dev.Kafka;

public class EmbeddedKafkaBrokerTests
{
    [Fact]
    public void Serves_produce_and_consume_to_a_confluent_client()
    {
        using var broker = new EmbeddedKafkaBroker();
        broker.CreateTopic("t", partitions: 3);
        var kafka = new KafkaOptions { BootstrapServers = broker.BootstrapServers };
        using (var producer = new ProducerBuilder<string, string>(kafka.Apply(new ProducerConfig { EnableIdempotence = true, Acks = Acks.All })).Build())
        {
            for (int i = 0; i < 30; i++) producer.Produce("t", new Message<string, string> { Key = $"k{i % 5}", Value = $"v{i}" });
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(10)));
        }
        using var consumer = new ConsumerBuilder<string, string>(kafka.Apply(new ConsumerConfig
        {
            GroupId = "g", AutoOffsetReset = AutoOffsetReset.Earliest, SessionTimeoutMs = 6000,
        })).Build();
        consumer.Subscribe("t");
        var seen = new List<ConsumeResult<string, string>>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (seen.Count < 30 && DateTime.UtcNow < deadline)
        {
            var r = consumer.Consume(200);
            if (r is not null) seen.Add(r);
        }
        consumer.Close();
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"v{i}").Order(), seen.Select(r => r.Message.Value).Order());
        // Same key, same partition: the broker partitions like Kafka does.
        foreach (var byKey in seen.GroupBy(r => r.Message.Key)) Assert.Single(byKey.Select(r => r.Partition.Value).Distinct());
    }

    [Fact]
    public async Task A_fixed_port_is_served_and_advertised()
    {
        int port = FreePort();
        using var broker = new EmbeddedKafkaBroker(port: port);
        Assert.Equal($"127.0.0.1:{port}", broker.BootstrapServers);
        broker.CreateTopic("fixed", partitions: 1);
        var kafka = new KafkaOptions { BootstrapServers = broker.BootstrapServers };
        using (var admin = new AdminClientBuilder(kafka.Apply(new AdminClientConfig())).Build())
        {
            var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
            Assert.Equal(port, Assert.Single(metadata.Brokers).Port);
            Assert.Contains(metadata.Topics, t => t.Topic == "fixed");
        }
        using (var producer = new ProducerBuilder<Null, string>(kafka.Apply(new ProducerConfig())).Build())
        {
            var report = await producer.ProduceAsync("fixed", new Message<Null, string> { Value = "through the forwarder" });
            Assert.Equal(0, report.Offset.Value);
        }
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(kafka.Apply(new ConsumerConfig { GroupId = "g2" })).Build();
        consumer.Assign(new TopicPartitionOffset("fixed", 0, Offset.Beginning));
        var r = consumer.Consume(TimeSpan.FromSeconds(20));
        Assert.NotNull(r);
        Assert.Equal("through the forwarder", Encoding.UTF8.GetString(r.Message.Value));
    }

    [Fact]
    public void Creating_a_topic_after_dispose_fails_clearly()
    {
        var broker = new EmbeddedKafkaBroker();
        broker.Dispose();
        Assert.Throws<ObjectDisposedException>(() => broker.CreateTopic("late", 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EmbeddedKafkaBroker(brokerCount: 0));
    }

    internal static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
