using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Flip.FeatureStore.Events;
using Flip.Hosting;
using Microsoft.Extensions.Logging;

namespace Flip.Ingest.Worker;

/// <summary>
/// Sends refused messages to the dead-letter topic with the reason in headers, and guarantees that a dead letter never
/// blocks its partition:
/// <list type="bullet">
/// <item>The payload forwarded is at most <see cref="IngestOptions.DeadLetterMaxPayloadBytes"/>; a longer one is cut to
/// that prefix and marked with <c>flip.dlq.truncated: true</c>. <c>flip.dlq.original.size</c> always holds the size of the
/// original message.</item>
/// <item>When the topic still refuses a dead letter (the produce call fails, or its delivery fails), the source offset,
/// reason and error are appended durably to the store's local dead-letter file (<see cref="LocalDeadLetterFile"/>) and
/// ingest moves on.</item>
/// </list>
/// <see cref="AwaitAcknowledged"/> is called before a batch's commit, so every dead letter of a committed batch is either
/// acknowledged by Kafka or in the local file (at-least-once: a crash before the commit sends it again).
/// </summary>
internal sealed class DeadLetterSink : IDisposable
{
    /// <summary>Header with the byte size of the original message.</summary>
    public const string OriginalSizeHeader = "flip.dlq.original.size";
    /// <summary>Header present (value <c>true</c>) when the forwarded payload is a prefix of the original.</summary>
    public const string TruncatedHeader = "flip.dlq.truncated";

    private readonly KafkaOptions _kafka;
    private readonly IngestOptions _options;
    private readonly IngestMetrics _metrics;
    private readonly LocalDeadLetterFile _local;
    private readonly ILogger _log;
    private readonly IProducer<byte[]?, byte[]?> _producer;
    private readonly ConcurrentQueue<LocalDeadLetter> _failed = new();

    public DeadLetterSink(KafkaOptions kafka, IngestOptions options, LocalDeadLetterFile local, IngestMetrics metrics, ILogger log,
        Action<IProducer<byte[]?, byte[]?>, LogMessage> kafkaLog)
    {
        _kafka = kafka;
        _options = options;
        _local = local;
        _metrics = metrics;
        _log = log;
        _producer = new ProducerBuilder<byte[]?, byte[]?>(kafka.Apply(new ProducerConfig
        {
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
        })).SetLogHandler(kafkaLog).Build();
    }

    /// <summary>Sends one refused message (asynchronously; <see cref="AwaitAcknowledged"/> waits for it).</summary>
    public void Send(ConsumeResult<byte[]?, ParsedClick> result, EventRejection rejection, byte[]? raw)
    {
        var code = rejection.Code;
        int size = raw?.Length ?? 0;
        bool truncated = raw is not null && raw.Length > _options.DeadLetterMaxPayloadBytes;
        var payload = truncated ? raw![.._options.DeadLetterMaxPayloadBytes] : raw;
        var headers = new Headers
        {
            { DeadLetterHeaders.Reason, Encoding.UTF8.GetBytes(code) },
            { DeadLetterHeaders.Message, Encoding.UTF8.GetBytes(rejection.Message) },
            { DeadLetterHeaders.SourceTopic, Encoding.UTF8.GetBytes(result.Topic) },
            { DeadLetterHeaders.SourcePartition, Encoding.UTF8.GetBytes(result.Partition.Value.ToString(CultureInfo.InvariantCulture)) },
            { DeadLetterHeaders.SourceOffset, Encoding.UTF8.GetBytes(result.Offset.Value.ToString(CultureInfo.InvariantCulture)) },
            { OriginalSizeHeader, Encoding.UTF8.GetBytes(size.ToString(CultureInfo.InvariantCulture)) },
        };
        if (truncated) headers.Add(TruncatedHeader, "true"u8.ToArray());
        var record = new LocalDeadLetter(result.Topic, result.Partition.Value, result.Offset.Value, code, rejection.Message, size, "");
        var message = new Message<byte[]?, byte[]?> { Key = result.Message.Key, Value = payload, Headers = headers };
        while (true)
        {
            try
            {
                _producer.Produce(_kafka.DeadLetterTopic, message, report =>
                {
                    if (report.Error.IsError) _failed.Enqueue(record with { Error = report.Error.Reason });
                });
                break;
            }
            catch (ProduceException<byte[]?, byte[]?> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
            {
                _producer.Poll(TimeSpan.FromMilliseconds(50)); // Queue full: let deliveries drain, then try again.
            }
            catch (ProduceException<byte[]?, byte[]?> ex)
            {
                // Refused before it left this process (e.g. larger than the producer's message.max.bytes): record it locally.
                RecordLocally(record with { Error = ex.Error.Reason });
                break;
            }
        }
        _metrics.DeadLetterReasons.WithLabels(code).Inc();
        _log.LogDebug("Dead-lettered {Topic}/{Partition}@{Offset}: {Rejection}", result.Topic, result.Partition.Value, result.Offset.Value, rejection);
    }

    /// <summary>
    /// Waits until Kafka acknowledged every dead letter sent so far; the ones it refused are then written to the local
    /// dead-letter file (fsync'd). Returns when all are accounted for; never throws for a refused dead letter.
    /// </summary>
    public void AwaitAcknowledged()
    {
        while (_producer.Flush(TimeSpan.FromSeconds(5)) > 0)
            _log.LogWarning("Waiting for the dead-letter topic {Topic} to acknowledge messages...", _kafka.DeadLetterTopic);
        while (_failed.TryDequeue(out var failed)) RecordLocally(failed);
    }

    private void RecordLocally(LocalDeadLetter record)
    {
        _local.Append(record);
        _metrics.DeadLettersLocal.Inc();
        _log.LogError("Dead-letter topic {Topic} refused {Source}/{Partition}@{Offset} ({Reason}, {Size} bytes): {Error}. Recorded in {File}; ingest goes on.",
            _kafka.DeadLetterTopic, record.Topic, record.Partition, record.Offset, record.Reason, record.OriginalSize, record.Error, _local.Path);
    }

    public void Dispose() => _producer.Dispose();
}
