using Flip.FeatureStore.Errors;
using System.Diagnostics;
using Confluent.Kafka;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;
using Flip.Hosting;
using Flip.Ingest.Kafka;

namespace Flip.Ingest.Dev.Replay;

/// <summary>
/// Produces click events to the clicks topic in the order given (readers yield them chronologically), as
/// <see cref="ClickEventJson"/> keyed by the first schema field (the user id), so one user's events stay in
/// one partition and in order. The producer is idempotent with acks=all: retries never duplicate or reorder.
/// </summary>
public sealed class EventReplayer
{
    private readonly KafkaOptions _kafka;
    private readonly ClickEventJson _json;

    public EventReplayer(KafkaOptions kafka, DatasetSchema schema)
    {
        _kafka = kafka;
        _json = new ClickEventJson(schema);
    }

    /// <summary>
    /// Producer settings: idempotent, acks=all, large batches, a short linger and lz4 compression (JSON click events
    /// shrink several-fold, which also stretches the embedded broker's fixed 5 MiB-per-partition log).
    /// <c>Kafka:Settings</c> entries override any of these.
    /// </summary>
    public static ProducerConfig ProducerConfig(KafkaOptions kafka) => kafka.Apply(new ProducerConfig
    {
        EnableIdempotence = true,
        Acks = Acks.All,
        LingerMs = 5,
        BatchSize = 1_000_000,
        BatchNumMessages = 10_000,
        QueueBufferingMaxMessages = 1_000_000,
        QueueBufferingMaxKbytes = 1_048_576,
        CompressionType = CompressionType.Lz4,
        MessageSendMaxRetries = int.MaxValue,
    });

    /// <summary>
    /// Replays <paramref name="events"/> (re-enumerated for every pass of <see cref="ReplayOptions.Repeat"/>).
    /// <paramref name="progress"/> gets the number of acknowledged events now and then.
    /// </summary>
    public ReplayResult Replay(Func<IEnumerable<ClickEvent>> events, ReplayOptions options, Action<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (options.Repeat < 1) throw new ArgumentOutOfRangeException(nameof(options), "Repeat must be at least 1.");
        KafkaReachability.WaitUntilReachable(_kafka, options.ClusterWaitTimeout);
        long acked = 0, failed = 0, bytes = 0;
        string? firstError = null;
        using var producer = new ProducerBuilder<string, byte[]>(ProducerConfig(_kafka))
            .SetLogHandler((_, _) => { })
            .Build();
        var topic = _kafka.ClicksTopic;
        var clock = Stopwatch.StartNew();
        long sent = 0;
        void OnDelivery(DeliveryReport<string, byte[]> report)
        {
            if (report.Error.IsError)
            {
                Interlocked.Increment(ref failed);
                Interlocked.CompareExchange(ref firstError, report.Error.Reason, null);
            }
            else
            {
                Interlocked.Add(ref bytes, report.Message.Value.Length);
                Interlocked.Increment(ref acked);
            }
        }

        for (int pass = 1; pass <= options.Repeat; pass++)
        {
            long inPass = 0;
            foreach (var e in events())
            {
                if (options.Limit > 0 && inPass >= options.Limit) break;
                cancellationToken.ThrowIfCancellationRequested();
                var ev = pass == 1 ? e : e with { Id = $"{e.Id}~r{pass}" };
                var message = new Message<string, byte[]> { Key = ev.Values[0], Value = _json.Serialize(ev) };
                while (true)
                {
                    try
                    {
                        producer.Produce(topic, message, OnDelivery);
                        break;
                    }
                    catch (ProduceException<string, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
                    {
                        producer.Poll(TimeSpan.FromMilliseconds(50)); // Queue full: let deliveries drain.
                    }
                }
                inPass++;
                sent++;
                if ((sent & 0x3FFF) == 0) progress?.Invoke(Interlocked.Read(ref acked));
                if (options.EventsPerSecond > 0) Pace(sent, options.EventsPerSecond, clock);
            }
        }
        while (producer.Flush(TimeSpan.FromMilliseconds(200)) > 0)
        {
            progress?.Invoke(Interlocked.Read(ref acked));
            cancellationToken.ThrowIfCancellationRequested();
        }
        clock.Stop();
        progress?.Invoke(acked);
        if (failed > 0)
            throw new KafkaDeliveryException($"{failed} of {sent} events were not delivered to '{topic}' (first error: {firstError}).");
        return new ReplayResult(acked, failed, clock.Elapsed, bytes);
    }

    /// <summary>Sleeps just enough to hold the target rate (checked per event, slept in small steps).</summary>
    private static void Pace(long sent, double rate, Stopwatch clock)
    {
        var due = TimeSpan.FromSeconds(sent / rate);
        var ahead = due - clock.Elapsed;
        if (ahead > TimeSpan.FromMilliseconds(2)) Thread.Sleep(ahead);
    }
}

/// <summary>Some events could not be delivered to Kafka.</summary>
public sealed class KafkaDeliveryException(string message) : EnvironmentException(message);
