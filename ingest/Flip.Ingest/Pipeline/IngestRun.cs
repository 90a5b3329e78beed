using Flip.FeatureStore.Store;
using Flip.Hosting;
using Flip.Ingest.Kafka;
using Flip.Ingest.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Prometheus;

namespace Flip.Ingest.Pipeline;

/// <summary>An <see cref="IngestWorker"/> running in this process without a host (demo, benchmark, tests).</summary>
public sealed class IngestRun : IAsyncDisposable
{
    private readonly IngestWorker _worker;
    private bool _stopped;

    private IngestRun(IngestWorker worker) => _worker = worker;

    public IngestStatistics Statistics => _worker.Statistics;

    /// <summary>The run's own Prometheus registry (no endpoint is served; export it with <c>FlipMetrics.ExportAsync</c>).</summary>
    public CollectorRegistry Metrics { get; private init; } = null!;

    /// <summary>
    /// Starts a worker with its own metrics registry. Throws what <see cref="IngestWorker.StartAsync"/> throws
    /// (an <see cref="IOException"/> naming the store folder or the unreachable cluster).
    /// </summary>
    public static async Task<IngestRun> StartAsync(KafkaOptions kafka, IngestOptions ingest, ParquetStoreOptions store, ILoggerFactory? logs = null)
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var worker = new IngestWorker(Options.Create(kafka), Options.Create(ingest), Options.Create(store), new IngestStatistics(),
            new IngestMetrics(Prometheus.Metrics.WithCustomRegistry(registry)), (logs ?? NullLoggerFactory.Instance).CreateLogger<IngestWorker>());
        await worker.StartAsync(CancellationToken.None);
        return new IngestRun(worker) { Metrics = registry };
    }

    /// <summary>
    /// Waits until <paramref name="messages"/> messages were stored or dead-lettered (and committed), calling
    /// <paramref name="progress"/> about every 100 ms. Throws when the worker failed or the timeout passed, and
    /// <see cref="IngestDataLostException"/> as soon as the broker is seen to have deleted messages before they were
    /// consumed (they can never arrive, so a demo or benchmark must fail loudly rather than wait or report).
    /// </summary>
    public async Task WaitForAsync(long messages, TimeSpan timeout, Action<IngestStatistics>? progress = null, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Statistics.Stored + Statistics.DeadLettered + Statistics.Duplicates < messages)
        {
            if (Statistics.LostMessages > 0)
                throw new IngestDataLostException($"The broker deleted {Statistics.LostMessages:N0} message(s) before the ingest consumed them (retention); see the error log for the offsets.");
            if (_worker.ExecuteTask is { IsCompleted: true } task)
            {
                await task; // Surfaces the worker's exception.
                throw new InvalidOperationException("The ingest worker stopped before the expected messages arrived.");
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Ingest handled {Statistics.Stored + Statistics.DeadLettered + Statistics.Duplicates:N0} of {messages:N0} messages within {timeout}.");
            progress?.Invoke(Statistics);
            await Task.Delay(100, cancellationToken);
        }
        progress?.Invoke(Statistics);
    }

    /// <summary>Waits until the worker joined its consumer group and owns partitions.</summary>
    public async Task WaitForAssignmentAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Statistics.AssignedPartitions == 0)
        {
            if (_worker.ExecuteTask is { IsCompleted: true } task) await task;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The ingest worker got no partitions within {timeout}.");
            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>Stops the worker: flushes and commits everything consumed.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await _worker.StopAsync(CancellationToken.None);
        if (_worker.ExecuteTask is { IsFaulted: true } task) await task;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _worker.Dispose();
    }
}

/// <summary>Messages were deleted by the broker before the ingest consumed them; the run's figures would be wrong.</summary>
public sealed class IngestDataLostException(string message) : InvalidOperationException(message);
