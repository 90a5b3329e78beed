using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;

namespace Flip.Ingest.Worker;

/// <summary>Serves Prometheus <c>/metrics</c> on <see cref="IngestOptions.MetricsPort"/> (prometheus-net's standalone HttpListener server) while the host runs.</summary>
internal sealed class MetricsEndpoint(IOptions<IngestOptions> options, ILogger<MetricsEndpoint> log) : IHostedService
{
    private MetricServer? _server;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        int port = options.Value.MetricsPort;
        if (port == 0) return Task.CompletedTask;
        try
        {
            _server = new MetricServer(hostname: "+", port: port);
            _server.Start();
        }
        catch (System.Net.HttpListenerException)
        {
            // "+" needs rights on some systems; localhost always works.
            _server = new MetricServer(hostname: "localhost", port: port);
            _server.Start();
        }
        log.LogInformation("Prometheus metrics on http://localhost:{Port}/metrics", port);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null) await _server.StopAsync();
    }
}
