using Confluent.Kafka;
using Flip.Hosting;

namespace Flip.Ingest.Kafka;

/// <summary>The Kafka cluster could not be reached in time: an environment problem (wrong address, broker down), not a bug.</summary>
public sealed class KafkaUnavailableException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>
/// A bounded wait for the cluster before a client starts working, so a wrong <c>--bootstrap</c> fails after a known
/// time with one clear line instead of librdkafka retrying (and logging) forever.
/// </summary>
public static class KafkaReachability
{
    /// <summary>
    /// Returns once a broker of <see cref="KafkaOptions.BootstrapServers"/> answered a metadata request; throws
    /// <see cref="KafkaUnavailableException"/> naming the address when none did within <paramref name="timeout"/>.
    /// librdkafka's own connection logs are suppressed meanwhile.
    /// </summary>
    public static void WaitUntilReachable(KafkaOptions kafka, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(kafka);
        using var admin = new AdminClientBuilder(kafka.Apply(new AdminClientConfig()))
            .SetLogHandler((_, _) => { })
            .SetErrorHandler((_, _) => { })
            .Build();
        try
        {
            var metadata = admin.GetMetadata(timeout);
            if (metadata.Brokers.Count > 0) return;
            throw new KafkaUnavailableException($"Kafka at {kafka.BootstrapServers} answered without any broker; check Kafka:BootstrapServers (--bootstrap).");
        }
        catch (KafkaException e)
        {
            throw new KafkaUnavailableException(
                $"Kafka at {kafka.BootstrapServers} is not reachable within {timeout.TotalSeconds:0.#} s ({e.Error.Reason}); check Kafka:BootstrapServers (--bootstrap) and that the broker runs.", e);
        }
    }
}
