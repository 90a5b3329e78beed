using Confluent.Kafka;
using Flip.Hosting;
using Flip.Ingest.Kafka;
using Flip.Ingest.Dev.Replay;
using Microsoft.Extensions.Configuration;

namespace Flip.Ingest.Tests.Kafka;

public class KafkaOptionsTests
{
    [Fact]
    public void Settings_bound_from_configuration_pass_through_and_override_code_defaults()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = "broker-a:9093,broker-b:9093",
            ["Kafka:Settings:security.protocol"] = "SASL_SSL",
            ["Kafka:Settings:sasl.mechanism"] = "PLAIN",
            ["Kafka:Settings:compression.type"] = "zstd",
        }).Build();
        var kafka = new KafkaOptions();
        configuration.GetSection(KafkaOptions.SectionName).Bind(kafka);

        var producer = EventReplayer.ProducerConfig(kafka);
        Assert.Equal("broker-a:9093,broker-b:9093", producer.BootstrapServers);
        // Passed to librdkafka verbatim (it reads these case-insensitively).
        Assert.Equal("SASL_SSL", producer.Get("security.protocol"));
        Assert.Equal("PLAIN", producer.Get("sasl.mechanism"));
        Assert.Equal(CompressionType.Zstd, producer.CompressionType); // the setting wins over the replay's lz4
        Assert.True(producer.EnableIdempotence);
        Assert.Equal(Acks.All, producer.Acks);
        Assert.Equal(TopicNames.Clicks, kafka.ClicksTopic);
        Assert.Equal(TopicNames.DeadLetter, kafka.DeadLetterTopic);
    }
}
