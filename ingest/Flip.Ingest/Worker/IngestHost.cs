using Flip.FeatureStore.Errors;
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
        // The host logs a failed start or a faulted worker with its stack trace; the worker already logged the failure
        // itself (one line for an environment error, the stack for a bug) and RunAsync surfaces it.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        AddIngest(builder.Services, builder.Configuration);
        return builder;
    }

    /// <summary>
    /// Runs the host until it stops; returns 0, or 1 when the ingest worker stopped on a bug (already logged with its
    /// stack trace). Bad input or an environment error (<see cref="ErrorPolicy.IsUserOrEnvironment"/>: bad settings, store
    /// folder not usable, disk full, Kafka unreachable within <see cref="IngestOptions.ClusterWaitTimeout"/>, metrics port
    /// busy) is thrown, with a one-line message naming the cause, at start or when the worker stops on it; the caller
    /// applies <see cref="ErrorPolicy"/>.
    /// </summary>
    public static async Task<int> RunAsync(IHost host, CancellationToken cancellationToken = default)
    {
        // Looked up first: RunAsync disposes the host and its services.
        var worker = host.Services.GetServices<IHostedService>().OfType<IngestWorker>().FirstOrDefault();
        await host.RunAsync(cancellationToken);
        if (worker?.ExecuteTask is not { IsFaulted: true } failed) return 0;
        var error = failed.Exception!.GetBaseException();
        if (ErrorPolicy.IsUserOrEnvironment(error)) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        return 1;
    }

    /// <summary>Registers the worker, its options (sections Kafka, Ingest, Store), statistics and the metrics endpoint.</summary>
    public static IServiceCollection AddIngest(IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<KafkaOptions>(configuration.GetSection(KafkaOptions.SectionName));
        services.Configure<IngestOptions>(configuration.GetSection(IngestOptions.SectionName));
        services.Configure<ParquetStoreOptions>(configuration.GetSection(ParquetStoreOptions.SectionName));
        services.AddSingleton<IngestStatistics>();
        services.AddFlipMetrics();
        services.AddSingleton<IngestMetrics>();
        services.AddMetricsEndpoint(sp =>
        {
            var ingest = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<IngestOptions>>().Value;
            return new MetricsEndpointSettings(ingest.MetricsBindAddress, ingest.MetricsPort);
        });
        services.AddHostedService<IngestWorker>();
        return services;
    }
}
