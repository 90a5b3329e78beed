using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Prometheus;

namespace Flip.Hosting;

/// <summary>
/// One Prometheus registry per host, injected: metrics classes take the <see cref="IMetricFactory"/> from DI and
/// never use prometheus-net's static default registry, so two services in one process (the demo) or two tests
/// running side by side keep separate counters.
/// </summary>
public static class FlipMetrics
{
    /// <summary>Registers a fresh <see cref="CollectorRegistry"/> and the <see cref="IMetricFactory"/> over it (once per container).</summary>
    public static IServiceCollection AddFlipMetrics(this IServiceCollection services)
    {
        services.TryAddSingleton(_ => Metrics.NewCustomRegistry());
        services.TryAddSingleton<IMetricFactory>(sp => Metrics.WithCustomRegistry(sp.GetRequiredService<CollectorRegistry>()));
        return services;
    }

    /// <summary>
    /// Serves the host's registry at <c>http://{address}:{port}/metrics</c> while the host runs; the settings are read
    /// from the worker's own options when the host starts (port 0 = no endpoint).
    /// </summary>
    public static IServiceCollection AddMetricsEndpoint(this IServiceCollection services, Func<IServiceProvider, MetricsEndpointSettings> settings)
    {
        services.AddFlipMetrics();
        services.AddHostedService(sp => new MetricsEndpoint(settings(sp), sp.GetRequiredService<CollectorRegistry>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<MetricsEndpoint>>()));
        return services;
    }

    /// <summary>The metrics text of a registry, as the endpoint serves it (for tests and the demo's dashboard).</summary>
    public static async Task<string> ExportAsync(CollectorRegistry registry, CancellationToken cancellationToken = default)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream, cancellationToken);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
