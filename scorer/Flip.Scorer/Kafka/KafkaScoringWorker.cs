using System.Buffers;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Flip.Hosting;
using Flip.Scorer.Http;
using Flip.Scorer.Requests;
using Flip.Scorer.Scoring;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Flip.Scorer.Kafka;

/// <summary>
/// Scores <c>flip.requests</c> (key = request id, value <c>{requestId, events}</c>) into <c>flip.scores</c> (same key,
/// <c>{requestId, modelVersion, modelKind, scores}</c>) in consumer group <see cref="ScorerOptions.ConsumerGroup"/>. Messages
/// are taken in batches (up to 256), scored concurrently (so the batcher micro-batches them), and a refused request goes
/// to <c>flip.requests.dlq</c> with the ingest's dead-letter headers. Offsets are committed only after every score and dead
/// letter of the batch is acknowledged; on a failure (or before any model is loaded) the batch is consumed again, so
/// delivery is at least once.
/// </summary>
public sealed class KafkaScoringWorker(ScoringService scoring, ScorerOptions options, KafkaOptions kafka, ScorerMetrics metrics, ILogger<KafkaScoringWorker> log) : BackgroundService
{
    private const int MaxBatch = 256;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stoppingToken)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(kafka.Apply(new ProducerConfig { EnableIdempotence = true, Acks = Acks.All, LingerMs = 1 }))
            .SetLogHandler((_, m) => log.LogDebug("Kafka (scores): {Message}", m.Message))
            .Build();
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(kafka.Apply(new ConsumerConfig
        {
            GroupId = options.ConsumerGroup,
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            SessionTimeoutMs = options.SessionTimeoutMs,
        }))
            .SetLogHandler((_, m) => log.LogDebug("Kafka (requests): {Message}", m.Message))
            .SetErrorHandler((_, e) => log.Log(e.IsFatal ? LogLevel.Critical : LogLevel.Debug, "Kafka (requests): {Reason}", e.Reason))
            .Build();
        consumer.Subscribe(TopicNames.Requests);
        log.LogInformation("Scoring {Requests} into {Scores} (group {Group}, dead letters to {DeadLetters}).",
            TopicNames.Requests, TopicNames.Scores, options.ConsumerGroup, TopicNames.RequestsDeadLetter);
        var batch = new List<ConsumeResult<byte[]?, byte[]?>>(MaxBatch);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                batch.Clear();
                if (!TryConsume(consumer, 100, batch)) continue;
                while (batch.Count < MaxBatch && TryConsume(consumer, 0, batch)) { }
                var work = batch.Select(m => Process(producer, m)).ToArray();
                try
                {
                    Task.WaitAll(work, stoppingToken);
                    consumer.Commit(batch.GroupBy(m => m.TopicPartition).Select(g => new TopicPartitionOffset(g.Key, g.Max(m => m.Offset.Value) + 1)));
                }
                catch (Exception e) when (e is AggregateException or KafkaException or NoModelException)
                {
                    var cause = e is AggregateException a ? a.Flatten().InnerExceptions[0] : e;
                    if (cause is NoModelException) log.LogDebug("No model loaded yet: {Count} requests wait.", batch.Count);
                    else log.LogWarning("Scoring a batch of {Count} requests failed, consuming it again: {Message}", batch.Count, cause.Message);
                    foreach (var first in batch.GroupBy(m => m.TopicPartition).Select(g => new TopicPartitionOffset(g.Key, g.Min(m => m.Offset.Value))))
                        consumer.Seek(first);
                    stoppingToken.WaitHandle.WaitOne(cause is NoModelException ? 500 : 1000);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        finally
        {
            producer.Flush(TimeSpan.FromSeconds(5));
            consumer.Close();
        }
    }

    private bool TryConsume(IConsumer<byte[]?, byte[]?> consumer, int timeoutMs, List<ConsumeResult<byte[]?, byte[]?>> batch)
    {
        try
        {
            var result = consumer.Consume(timeoutMs);
            if (result is null || result.IsPartitionEOF) return false;
            batch.Add(result);
            return true;
        }
        catch (ConsumeException e) when (!e.Error.IsFatal)
        {
            log.LogDebug("Kafka (requests): {Reason}", e.Error.Reason);
            return false;
        }
    }

    private async Task Process(IProducer<byte[]?, byte[]?> producer, ConsumeResult<byte[]?, byte[]?> message)
    {
        var value = message.Message.Value;
        if (value is null || value.Length == 0)
        {
            await DeadLetter(producer, message, new ScoreRequestError(400, ScoreRequestError.InvalidJson, "the message has no value"));
            return;
        }
        var (scored, error) = await scoring.ScoreAsync(value).ConfigureAwait(false);
        if (error is not null)
        {
            if (error.Code == ScoreRequestError.NoModel) throw new NoModelException();
            await DeadLetter(producer, message, error);
            return;
        }
        var key = message.Message.Key;
        if (scored!.Request.RequestId is null && key is not null)
            scored = scored with { Request = scored.Request with { RequestId = Encoding.UTF8.GetString(key) } };
        var output = new ArrayBufferWriter<byte>(256);
        ScoreResponses.WriteScores(output, scored);
        await producer.ProduceAsync(TopicNames.Scores, new Message<byte[]?, byte[]?>
        {
            Key = key ?? (scored.Request.RequestId is { } id ? Encoding.UTF8.GetBytes(id) : null),
            Value = output.WrittenSpan.ToArray(),
        }).ConfigureAwait(false);
        metrics.Requests.WithLabels("kafka", "200").Inc();
    }

    private async Task DeadLetter(IProducer<byte[]?, byte[]?> producer, ConsumeResult<byte[]?, byte[]?> message, ScoreRequestError error)
    {
        var headers = new Headers
        {
            { DeadLetterHeaders.Reason, Encoding.UTF8.GetBytes(error.Code) },
            { DeadLetterHeaders.Message, Encoding.UTF8.GetBytes(error.Message) },
            { DeadLetterHeaders.SourceTopic, Encoding.UTF8.GetBytes(message.Topic) },
            { DeadLetterHeaders.SourcePartition, Encoding.UTF8.GetBytes(message.Partition.Value.ToString(CultureInfo.InvariantCulture)) },
            { DeadLetterHeaders.SourceOffset, Encoding.UTF8.GetBytes(message.Offset.Value.ToString(CultureInfo.InvariantCulture)) },
        };
        await producer.ProduceAsync(TopicNames.RequestsDeadLetter, new Message<byte[]?, byte[]?> { Key = message.Message.Key, Value = message.Message.Value, Headers = headers })
            .ConfigureAwait(false);
        metrics.Requests.WithLabels("kafka", "400").Inc();
        metrics.DeadLetters.WithLabels(error.Code).Inc();
    }

    private sealed class NoModelException() : Exception("No verified model is loaded yet.");
}
