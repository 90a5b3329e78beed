using Flip.FeatureStore.Errors;
using Flip.FeatureStore.Store;
using Flip.Hosting;
using Flip.Registry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Flip.Trainer.Online;

/// <summary>
/// <c>flip-trainer</c>'s <see cref="BackgroundService"/>: runs the <see cref="OnlineTrainer"/> over the store and the
/// registry named by configuration. A drain run stops the host when the store is worked off. A configuration or
/// environment problem is kept in <see cref="ConfigurationError"/> (the host exits 2 with its one-line message).
/// </summary>
public sealed class TrainerWorker(
    IOptions<TrainerOptions> options,
    IOptions<ParquetStoreOptions> storeOptions,
    IOptions<RegistryOptions> registryOptions,
    IOptions<KafkaOptions> kafkaOptions,
    TrainerMetrics metrics,
    IHostApplicationLifetime lifetime,
    ILogger<TrainerWorker> log) : BackgroundService
{
    /// <summary>The one-line reason the worker stopped on bad configuration or environment, or null.</summary>
    public string? ConfigurationError { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            var o = options.Value;
            o.Validate();
            var store = OpenStore(o, storeOptions.Value);
            var registry = new ModelRegistry(registryOptions.Value);
            using var announcer = o.Announce ? new KafkaModelAnnouncer(kafkaOptions.Value, o.AnnounceTopic, log) : null;
            using var trainer = new OnlineTrainer(o, store, registry, metrics, announcer, log);
            await trainer.RunAsync(stoppingToken);
        }
        catch (Exception e) when (ErrorPolicy.IsUserOrEnvironment(e))
        {
            ConfigurationError = e.Message.ReplaceLineEndings(" ");
            log.LogError("{Error}", ConfigurationError);
        }
        finally
        {
            if (!stoppingToken.IsCancellationRequested) lifetime.StopApplication();
        }
    }

    /// <summary>
    /// The store with its own schema (<c>schema.json</c>, written by the ingest); a store without one (written before
    /// schema files) is opened with the built-in schema <c>Trainer:Dataset</c> names.
    /// </summary>
    public static ParquetEventStore OpenStore(TrainerOptions options, ParquetStoreOptions storeOptions)
    {
        var layout = new StoreLayout(storeOptions.Root);
        if (!Directory.Exists(layout.Root)) throw new TrainerConfigurationException($"The store folder {layout.Root} does not exist (Store:Root or --store).");
        if (File.Exists(layout.SchemaFile)) return ParquetEventStore.Open(layout.Root, storeOptions);
        return new ParquetEventStore(layout.Root, OnlineLearners.ResolveSchema(options.Dataset), storeOptions);
    }
}
