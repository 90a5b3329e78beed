using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;
using Flip.Hosting;
using Flip.Scorer.Quality;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Flip.Scorer.Kafka;

/// <summary>
/// Reads the clicks on <c>flip.clicks</c> and joins each with the score served for its event id (<see cref="LiveQuality"/>),
/// refreshing the live AUC / log loss / calibration gauges about once a second. Every replica reads all clicks (a group of
/// its own); only <c>id</c> and <c>label</c> of a click are read, malformed ones are skipped (the ingest dead-letters them).
/// </summary>
public sealed class ClickJoinWorker(LiveQuality quality, ScorerOptions options, KafkaOptions kafka, ILogger<ClickJoinWorker> log) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stoppingToken)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(kafka.Apply(new ConsumerConfig
        {
            GroupId = $"flip-scorer-labels-{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}",
            EnableAutoCommit = false,
            AutoOffsetReset = options.ClicksFromStart ? AutoOffsetReset.Earliest : AutoOffsetReset.Latest,
            SessionTimeoutMs = options.SessionTimeoutMs,
        }))
            .SetLogHandler((_, m) => log.LogDebug("Kafka (clicks): {Message}", m.Message))
            .SetErrorHandler((_, e) => log.LogDebug("Kafka (clicks): {Reason}", e.Reason))
            .Build();
        consumer.Subscribe(kafka.ClicksTopic);
        var published = Stopwatch.StartNew();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    var result = consumer.Consume(100);
                    if (result?.Message?.Value is { } value && TryRead(value, out var id, out var label)) quality.Join(id, label);
                }
                catch (ConsumeException e) when (!e.Error.IsFatal)
                {
                    log.LogDebug("Kafka (clicks): {Reason}", e.Error.Reason);
                }
                if (published.ElapsedMilliseconds >= 1000)
                {
                    quality.PublishGauges();
                    published.Restart();
                }
            }
        }
        finally
        {
            consumer.Close();
        }
    }

    /// <summary>Reads <c>id</c> and <c>label</c> (0/1) of a click event; false when either is missing or malformed.</summary>
    internal static bool TryRead(ReadOnlySpan<byte> json, out string id, out byte label)
    {
        id = "";
        label = 0;
        bool hasLabel = false;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("id"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String) id = reader.GetString() ?? "";
                }
                else if (reader.ValueTextEquals("label"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int l) && l is 0 or 1)
                    {
                        label = (byte)l;
                        hasLabel = true;
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            return false;
        }
        return id.Length > 0 && hasLabel;
    }
}
