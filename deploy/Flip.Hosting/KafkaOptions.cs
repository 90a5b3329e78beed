using Confluent.Kafka;

namespace Flip.Hosting;

/// <summary>Where Kafka is and how to talk to it. Bind from configuration section <c>Kafka</c>.</summary>
public sealed class KafkaOptions
{
    public const string SectionName = "Kafka";

    /// <summary>Comma-separated <c>host:port</c> list. Default <c>127.0.0.1:9092</c> (what <c>flip broker --port 9092</c> serves).</summary>
    public string BootstrapServers { get; set; } = "127.0.0.1:9092";

    /// <summary>Topic of the click events. Default <c>flip.clicks</c>.</summary>
    public string ClicksTopic { get; set; } = TopicNames.Clicks;

    /// <summary>Topic that receives messages the ingest refused. Default <c>flip.clicks.dlq</c>.</summary>
    public string DeadLetterTopic { get; set; } = TopicNames.DeadLetter;

    /// <summary>
    /// Extra librdkafka settings passed through unchanged to every client (producer and consumer), keyed by
    /// librdkafka property name, e.g. <c>Kafka:Settings:security.protocol=SASL_SSL</c>,
    /// <c>Kafka:Settings:sasl.mechanism=PLAIN</c>. They win over the defaults set in code. Default empty.
    /// </summary>
    public Dictionary<string, string> Settings { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Applies <see cref="BootstrapServers"/> and <see cref="Settings"/> to a client config.</summary>
    public T Apply<T>(T config) where T : ClientConfig
    {
        config.BootstrapServers = BootstrapServers;
        foreach (var (key, value) in Settings) config.Set(key, value);
        return config;
    }
}
