using Confluent.Kafka;
using Flip.Hosting;
using Flip.Registry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Flip.Scorer.Lifecycle;

/// <summary>
/// Keeps the served version current, off the request path: one thread at a lowered priority (<see cref="ScorerOptions.LoaderNice"/>)
/// loads the wanted version at start (retrying every poll interval until one verifies), then re-checks the registry on every
/// announcement on <c>flip.models</c> and at least every <see cref="ScorerOptions.PollInterval"/> (the fallback when Kafka is
/// down or off). Announcements are only hints: what serves is always read and verified from the registry.
/// </summary>
public sealed class ModelWatcher(ModelLifecycle lifecycle, IOptions<ScorerOptions> options, IOptions<KafkaOptions> kafka, ILogger<ModelWatcher> log) : BackgroundService
{
    private readonly AutoResetEvent _wake = new(false);

    /// <summary>Announcements received (valid ones).</summary>
    public long Announcements => Interlocked.Read(ref _announcements);
    private long _announcements;

    /// <summary>Asks the watcher to check the registry now.</summary>
    public void Wake() => _wake.Set();

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var watch = Task.Factory.StartNew(() => Watch(stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (!options.Value.Kafka) return watch;
        var listen = Task.Factory.StartNew(() => Listen(stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return Task.WhenAll(watch, listen);
    }

    private void Watch(CancellationToken stoppingToken)
    {
        if (!ThreadNice.TrySet(options.Value.LoaderNice) && options.Value.LoaderNice != 0)
            log.LogDebug("Could not lower the model loader's priority (not Linux, or refused).");
        var handles = new[] { _wake, stoppingToken.WaitHandle };
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                lifecycle.Refresh();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The registry folder itself is unreadable (not a model's fault): keep serving, retry next poll.
                log.LogWarning("Cannot read the model registry {Root}: {Message}", lifecycle.Registry.Root, e.Message);
            }
            WaitHandle.WaitAny(handles, options.Value.PollInterval);
        }
    }

    /// <summary>True once the announcement consumer is positioned (announcements from then on are seen).</summary>
    public bool Listening => Volatile.Read(ref _listening);
    private bool _listening;

    private void Listen(CancellationToken stoppingToken)
    {
        // No consumer group: every replica must see every announcement, and a group join would delay the first one.
        // Each partition is assigned explicitly at its current end, so what is published from then on is seen.
        var config = kafka.Value.Apply(new ConsumerConfig
        {
            GroupId = "flip-scorer-models-unused",
            EnableAutoCommit = false,
            SessionTimeoutMs = options.Value.SessionTimeoutMs,
        });
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config)
            .SetLogHandler((_, m) => log.LogDebug("Kafka (models): {Message}", m.Message))
            .SetErrorHandler((_, e) => log.LogDebug("Kafka (models): {Reason}", e.Reason))
            .Build();
        try
        {
            while (!stoppingToken.IsCancellationRequested && !TryAssign(consumer)) stoppingToken.WaitHandle.WaitOne(options.Value.PollInterval);
            Volatile.Write(ref _listening, true);
            while (!stoppingToken.IsCancellationRequested)
            {
                ConsumeResult<byte[]?, byte[]?>? result;
                try { result = consumer.Consume(200); }
                catch (ConsumeException e) when (!e.Error.IsFatal) { log.LogDebug("Kafka (models): {Reason}", e.Error.Reason); continue; }
                if (result?.Message?.Value is not { } value) continue;
                try
                {
                    var announcement = ModelAnnouncement.Parse(value);
                    Interlocked.Increment(ref _announcements);
                    log.LogInformation("Announcement: model {Version} ({Kind}) published.", announcement.Version, announcement.Kind);
                    _wake.Set();
                }
                catch (System.Text.Json.JsonException e)
                {
                    log.LogWarning("Ignored a malformed announcement on {Topic}: {Message}", TopicNames.Models, e.Message);
                }
            }
        }
        finally
        {
            consumer.Close();
        }
    }

    private bool TryAssign(IConsumer<byte[]?, byte[]?> consumer)
    {
        try
        {
            using var admin = new AdminClientBuilder(kafka.Value.Apply(new AdminClientConfig())).Build();
            var topic = admin.GetMetadata(TopicNames.Models, TimeSpan.FromSeconds(5)).Topics.FirstOrDefault();
            if (topic is null || topic.Error.IsError || topic.Partitions.Count == 0) return false;
            var positions = topic.Partitions.Select(p => new TopicPartition(TopicNames.Models, p.PartitionId))
                .Select(tp => new TopicPartitionOffset(tp, consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(5)).High)).ToList();
            consumer.Assign(positions);
            return true;
        }
        catch (KafkaException e)
        {
            log.LogDebug("Kafka (models): cannot assign {Topic} yet: {Reason}", TopicNames.Models, e.Error.Reason);
            return false;
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _wake.Dispose();
    }
}
