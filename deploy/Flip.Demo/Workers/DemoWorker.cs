using Flip.Demo.Metrics;
using Flip.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Prometheus;

namespace Flip.Demo.Workers;

/// <summary>
/// One worker of the loop (ingest, trainer, scorer) running as a Generic Host inside the demo's process, with its own
/// injected Prometheus registry. A background service of the host that stops while the demo still runs is a crash:
/// <see cref="Failure"/> says which one and why, so the demo reports it instead of hiding it.
/// </summary>
public sealed class DemoWorker : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly CollectorRegistry _registry;
    private readonly List<BackgroundService> _services;
    private bool _stopping;

    public DemoWorker(string name, IHost host)
    {
        Name = name;
        _host = host;
        _registry = host.Services.GetRequiredService<CollectorRegistry>();
        _services = host.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();
    }

    /// <summary>ingest, trainer or scorer.</summary>
    public string Name { get; }

    public IServiceProvider Services => _host.Services;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _host.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Net.Sockets.SocketException)
        {
            throw new DemoConfigurationException($"The {Name} worker could not start: {e.Message.ReplaceLineEndings(" ")}", e);
        }
    }

    /// <summary>The worker's metrics, as its <c>/metrics</c> endpoint would serve them.</summary>
    public async Task<MetricsText> ScrapeAsync(CancellationToken cancellationToken = default) =>
        MetricsText.Parse(await FlipMetrics.ExportAsync(_registry, cancellationToken));

    /// <summary>Null while every background service runs; else the first one that stopped (with its exception, if any).</summary>
    public WorkerFailure? Failure
    {
        get
        {
            if (_stopping) return null;
            foreach (var s in _services)
                if (s.ExecuteTask is { IsCompleted: true } task)
                    return new WorkerFailure(Name, s.GetType().Name, task.Exception?.GetBaseException());
            return null;
        }
    }

    /// <summary>Stops the host gracefully (each worker flushes, commits or publishes what it holds).</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        _stopping = true;
        using var cts = new CancellationTokenSource(timeout);
        await _host.StopAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        if (_host is IAsyncDisposable asyncDisposable) await asyncDisposable.DisposeAsync();
        else _host.Dispose();
    }
}

/// <summary>A worker's background service stopped while the demo ran.</summary>
/// <param name="Worker">ingest, trainer or scorer.</param>
/// <param name="Service">Class name of the stopped background service.</param>
/// <param name="Error">Its exception; null when it returned without one.</param>
public sealed record WorkerFailure(string Worker, string Service, Exception? Error)
{
    public override string ToString() =>
        $"the {Worker} worker's {Service} stopped: {(Error is null ? "it returned while the demo was running" : $"{Error.GetType().Name}: {Error.Message.ReplaceLineEndings(" ")}")}";
}
