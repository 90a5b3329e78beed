using Flip.FeatureStore.Store;
using Flip.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Flip.Ingest.Worker;

/// <summary>Builds the Generic Host that runs <see cref="IngestWorker"/> (and the metrics endpoint) from configuration.</summary>
public static class IngestHost
{
    /// <summary>
    /// A host configured from, in rising priority: <c>appsettings.json</c> beside the executable, environment
    /// variables (<c>Kafka__BootstrapServers</c>, ...), then <paramref name="overrides"/> (command-line options,
    /// as configuration keys like <c>Kafka:BootstrapServers</c>).
    /// </summary>
    public static HostApplicationBuilder CreateBuilder(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = "flip-ingest",
        });
        builder.Configuration
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false)
            .AddEnvironmentVariables();
        if (overrides is not null) builder.Configuration.AddInMemoryCollection(overrides);
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        AddIngest(builder.Services, builder.Configuration);
        return builder;
    }

    /// <summary>Runs the host until it stops; returns 0, or 1 when the ingest worker stopped on an error (already logged).</summary>
    public static async Task<int> RunAsync(IHost host, CancellationToken cancellationToken = default)
    {
        // Looked up first: RunAsync disposes the host and its services.
        var worker = host.Services.GetServices<IHostedService>().OfType<IngestWorker>().FirstOrDefault();
        await host.RunAsync(cancellationToken);
        return worker?.ExecuteTask is { IsFaulted: true } ? 1 : 0;
    }

    /// <summary>Registers the worker, its options (sections Kafka, Ingest, Store), statistics and the metrics endpoint.</summary>
    public static IServiceCollection AddIngest(IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<KafkaOptions>(configuration.GetSection(KafkaOptions.SectionName));
        services.Configure<IngestOptions>(configuration.GetSection(IngestOptions.SectionName));
        services.Configure<ParquetStoreOptions>(configuration.GetSection(ParquetStoreOptions.SectionName));
        services.AddSingleton<IngestStatistics>();
        // IngestMetrics still lives in prometheus-net's default registry; serve that one until it is injected.
        services.AddSingleton(Prometheus.Metrics.DefaultRegistry);
        services.AddMetricsEndpoint(sp => new MetricsEndpointSettings("+", sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<IngestOptions>>().Value.MetricsPort));
        services.AddHostedService<IngestWorker>();
        return services;
    }
}
