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

    private void Listen(CancellationToken stoppingToken)
    {
        var config = kafka.Value.Apply(new ConsumerConfig
        {
            // Every replica must see every announcement: a group of its own, starting at the newest message.
            GroupId = $"flip-scorer-models-{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Latest,
            EnableAutoCommit = false,
            SessionTimeoutMs = options.Value.SessionTimeoutMs,
        });
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config)
            .SetLogHandler((_, m) => log.LogDebug("Kafka (models): {Message}", m.Message))
            .SetErrorHandler((_, e) => log.LogDebug("Kafka (models): {Reason}", e.Reason))
            .Build();
        consumer.Subscribe(TopicNames.Models);
        try
        {
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

    public override void Dispose()
    {
        base.Dispose();
        _wake.Dispose();
    }
}
