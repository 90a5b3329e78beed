using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Flip.Hosting;

/// <summary>Where a worker serves <c>/metrics</c>. <paramref name="Port"/> 0 turns the endpoint off.</summary>
/// <param name="BindAddress">
/// Interface to listen on: <c>127.0.0.1</c> (loopback, the CLI's default) or <c>+</c> (all interfaces, what a
/// container needs so that Prometheus can scrape it from another container).
/// </param>
public sealed record MetricsEndpointSettings(string BindAddress, int Port);

/// <summary>
/// Serves one injected Prometheus registry over prometheus-net's standalone HttpListener server while the host runs.
/// A port that cannot be bound (in use, no rights) is an environment error: <see cref="StartAsync"/> throws an
/// <see cref="IOException"/> whose one-line message names the address and port.
/// </summary>
public sealed class MetricsEndpoint(MetricsEndpointSettings settings, CollectorRegistry registry, ILogger<MetricsEndpoint> log) : IHostedService
{
    private MetricServer? _server;

    public MetricsEndpointSettings Settings => settings;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (settings.Port == 0) return Task.CompletedTask;
        try
        {
            _server = new MetricServer(hostname: settings.BindAddress, port: settings.Port, registry: registry);
            _server.Start();
        }
        catch (System.Net.HttpListenerException e)
        {
            throw new IOException($"Cannot serve metrics on {settings.BindAddress}:{settings.Port}: {e.Message} (choose another port or bind address).", e);
        }
        string shown = settings.BindAddress is "+" or "*" ? "0.0.0.0" : settings.BindAddress;
        log.LogInformation("Prometheus metrics on http://{Address}:{Port}/metrics", shown, settings.Port);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null) await _server.StopAsync();
    }
}
