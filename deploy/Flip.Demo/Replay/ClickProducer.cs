using Confluent.Kafka;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;
using Flip.Hosting;
using Flip.Ingest.Dev.Replay;

namespace Flip.Demo.Replay;

/// <summary>
/// Produces click events to <c>flip.clicks</c> (keyed by user id, idempotent, acks=all, the replayer's settings) and
/// counts what the broker acknowledged: the demo's "nothing acknowledged is lost" check compares that with what the
/// ingest stored. Records when events of each event time were acknowledged (<see cref="ProducedClock"/>) for freshness.
/// </summary>
public sealed class ClickProducer : IDisposable
{
    private readonly IProducer<string, byte[]> _producer;
    private readonly ClickEventJson _json;
    private readonly string _topic;
    private long _sent, _acked, _failed;
    private string? _firstError;

    public ClickProducer(KafkaOptions kafka, DatasetSchema schema)
    {
        _producer = new ProducerBuilder<string, byte[]>(EventReplayer.ProducerConfig(kafka)).SetLogHandler((_, _) => { }).Build();
        _json = new ClickEventJson(schema);
        _topic = kafka.ClicksTopic;
    }

    public long Sent => Interlocked.Read(ref _sent);
    public long Acknowledged => Interlocked.Read(ref _acked);
    public long Failed => Interlocked.Read(ref _failed);

    public ProducedClock Clock { get; } = new();

    public void Produce(ClickEvent e)
    {
        var message = new Message<string, byte[]> { Key = e.Values[0], Value = _json.Serialize(e) };
        var time = e.EventTime;
        while (true)
        {
            try
            {
                _producer.Produce(_topic, message, report =>
                {
                    if (report.Error.IsError)
                    {
                        Interlocked.Increment(ref _failed);
                        Interlocked.CompareExchange(ref _firstError, report.Error.Reason, null);
                    }
                    else
                    {
                        Interlocked.Increment(ref _acked);
                        Clock.Record(time, DateTime.UtcNow);
                    }
                });
                Interlocked.Increment(ref _sent);
                return;
            }
            catch (ProduceException<string, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
            {
                _producer.Poll(TimeSpan.FromMilliseconds(20)); // Let deliveries drain.
            }
        }
    }

    /// <summary>Waits until every produced event is acknowledged (or failed); throws when any failed.</summary>
    public void Flush(CancellationToken cancellationToken)
    {
        while (_producer.Flush(TimeSpan.FromMilliseconds(200)) > 0) cancellationToken.ThrowIfCancellationRequested();
        if (Failed > 0)
            throw new KafkaDeliveryException($"{Failed} of {Sent} events were not delivered to '{_topic}' (first error: {_firstError}).");
    }

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(10));
        _producer.Dispose();
    }
}
