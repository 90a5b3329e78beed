using Flip.FeatureStore.Errors;
using Flip.FeatureStore.Store;
using Flip.Hosting;
using Flip.Registry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;

namespace Flip.Trainer.Online;

/// <summary>Builds and runs the Generic Host of the online trainer (<c>flip-trainer</c>, <c>flip train online</c>).</summary>
public static class TrainerHost
{
    /// <summary>
    /// A host configured from, in rising priority: <c>appsettings.json</c> beside the executable, environment variables
    /// (<c>Trainer__Window=10000</c>, ...), then <paramref name="overrides"/> (configuration keys like <c>Store:Root</c>).
    /// </summary>
    public static HostApplicationBuilder CreateBuilder(IReadOnlyDictionary<string, string?>? overrides = null, string[]? args = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = "flip-trainer",
        });
        builder.Configuration
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false)
            .AddEnvironmentVariables();
        if (args is not null) builder.Configuration.AddCommandLine(args);
        if (overrides is not null) builder.Configuration.AddInMemoryCollection(overrides);
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        AddTrainer(builder.Services, builder.Configuration);
        return builder;
    }

    /// <summary>Registers the worker, its options (sections Trainer, Store, Registry, Kafka), metrics and the metrics endpoint.</summary>
    public static IServiceCollection AddTrainer(IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<TrainerOptions>(configuration.GetSection(TrainerOptions.SectionName));
        services.Configure<ParquetStoreOptions>(configuration.GetSection(ParquetStoreOptions.SectionName));
        services.Configure<RegistryOptions>(configuration.GetSection(RegistryOptions.SectionName));
        services.Configure<KafkaOptions>(configuration.GetSection(KafkaOptions.SectionName));
        services.AddFlipMetrics();
        services.AddSingleton(sp => new TrainerMetrics(sp.GetRequiredService<IMetricFactory>()));
        services.AddMetricsEndpoint(sp =>
        {
            var o = sp.GetRequiredService<IOptions<TrainerOptions>>().Value;
            return new MetricsEndpointSettings(o.MetricsBindAddress, o.MetricsPort);
        });
        services.AddSingleton<TrainerWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<TrainerWorker>());
        return services;
    }

    /// <summary>
    /// Runs the host until it stops. Returns 0; 2 with a one-line message on <paramref name="error"/> for bad settings or
    /// an unusable store, registry or metrics port; 1 when the worker failed on a bug (the stack trace is logged).
    /// </summary>
    public static async Task<int> RunAsync(HostApplicationBuilder builder, TextWriter error, CancellationToken cancellationToken = default)
    {
        IHost host;
        try
        {
            var probe = new TrainerOptions();
            builder.Configuration.GetSection(TrainerOptions.SectionName).Bind(probe);
            probe.Validate();
            host = builder.Build();
        }
        catch (Exception e) when (ErrorPolicy.IsUserOrEnvironment(e))
        {
            error.WriteLine(ErrorPolicy.Classify(e).Message);
            return ErrorPolicy.UserError;
        }
        using (host)
        {
            var worker = host.Services.GetRequiredService<TrainerWorker>();
            try
            {
                await host.RunAsync(cancellationToken);
            }
            catch (Exception e) when (ErrorPolicy.IsUserOrEnvironment(e))
            {
                error.WriteLine(ErrorPolicy.Classify(e).Message);
                return ErrorPolicy.UserError;
            }
            if (worker.ConfigurationError is { } message)
            {
                error.WriteLine($"error: {message}");
                return ErrorPolicy.UserError;
            }
            return worker.ExecuteTask is { IsFaulted: true } ? ErrorPolicy.Bug : 0;
        }
    }
}
