using Flip.FeatureStore.Errors;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Flip.Ingest.Worker;
using Flip.Scorer;
using Flip.Trainer.Online;

namespace Flip.Demo.Workers;

/// <summary>
/// Builds the loop's workers as in-process hosts from the same configuration keys their own executables read
/// (sections Kafka, Store, Registry, Ingest, Trainer, Scorer), so the demo runs exactly the deployed code.
/// </summary>
public static class DemoWorkers
{
    /// <summary>The configuration every worker of a demo run gets; <see cref="DemoOptions.Settings"/> are applied last.</summary>
    public static Dictionary<string, string?> Configuration(DemoOptions options, string bootstrapServers, string storeRoot, string registryRoot, int scorerPort)
    {
        var c = CultureInfo.InvariantCulture;
        var map = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Kafka:BootstrapServers"] = bootstrapServers,
            ["Store:Root"] = storeRoot,
            ["Registry:Root"] = registryRoot,
            // Ingest: small, frequent flushes so that the trainer sees live events within about a second.
            ["Ingest:Dataset"] = "movielens-1m",
            ["Ingest:ConsumerGroup"] = "flip-demo-ingest",
            ["Ingest:FlushInterval"] = "00:00:01",
            ["Ingest:FlushOnCaughtUp"] = "true",
            ["Ingest:MetricsPort"] = "0",
            // Trainer: the demo reads its registry in-process; no metrics port to collide with a running worker.
            ["Trainer:Dataset"] = "movielens-1m",
            ["Trainer:Model"] = options.Model,
            ["Trainer:Window"] = options.TrainerWindow,
            ["Trainer:PublishInterval"] = options.PublishInterval.ToString("c", c),
            ["Trainer:PollInterval"] = "00:00:01",
            ["Trainer:MetricsPort"] = "0",
            // Scorer: loopback only; it follows flip.models and polls the registry every second.
            ["Scorer:Registry"] = registryRoot,
            ["Scorer:Urls"] = $"http://127.0.0.1:{scorerPort.ToString(c)}",
            ["Scorer:PollInterval"] = "00:00:01",
            ["Scorer:ConsumerGroup"] = "flip-demo-scorer",
            // Metrics endpoints: off unless asked for (the dashboard reads each worker's registry in-process).
            ["Ingest:MetricsBindAddress"] = "127.0.0.1",
            ["Trainer:MetricsBindAddress"] = "127.0.0.1",
            // Logs go to the run's log file (the terminal shows the dashboard); warnings and errors are enough there.
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (Flip.Registry.ModelKinds.IsFlip(options.Model.ToLowerInvariant()))
        {
            map["Trainer:PlmLayers"] = options.PlmLayers.ToString(c);
            map["Trainer:PretrainEvery"] = options.PretrainEvery;
            map["Trainer:PretrainWindow"] = options.PretrainWindow.ToString(c);
        }
        if (options.ServeMetrics)
        {
            map["Ingest:MetricsPort"] = FreeLoopbackPort().ToString(c);
            map["Trainer:MetricsPort"] = FreeLoopbackPort().ToString(c);
        }
        foreach (var (key, value) in options.Settings) map[key] = value;
        return map;
    }

    public static DemoWorker CreateIngest(IReadOnlyDictionary<string, string?> configuration)
    {
        var builder = IngestHost.CreateBuilder(configuration);
        return new DemoWorker("ingest", builder.Build());
    }

    /// <summary>The online trainer (store windows -> prequential evaluation -> training -> registry + flip.models).</summary>
    public static DemoWorker CreateTrainer(IReadOnlyDictionary<string, string?> configuration)
    {
        var builder = TrainerHost.CreateBuilder(configuration);
        var probe = new TrainerOptions();
        Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(builder.Configuration.GetSection(TrainerOptions.SectionName), probe);
        try
        {
            probe.Validate();
        }
        catch (TrainerConfigurationException e)
        {
            throw new DemoConfigurationException($"trainer: {e.Message}", e);
        }
        return new DemoWorker("trainer", builder.Build());
    }

    /// <summary>The scorer (Kestrel on the loopback port of <c>Scorer:Urls</c>, /v1/score and /metrics).</summary>
    public static DemoWorker CreateScorer(IReadOnlyDictionary<string, string?> configuration)
    {
        try
        {
            return new DemoWorker("scorer", ScorerApp.Build(null, configuration));
        }
        catch (UserInputException e)
        {
            throw new DemoConfigurationException($"scorer: {e.Message}", e);
        }
    }

    /// <summary>The <c>/metrics</c> URL of each worker whose endpoint the configuration turns on.</summary>
    public static Dictionary<string, Uri> MetricsUrls(IReadOnlyDictionary<string, string?> configuration)
    {
        var urls = new Dictionary<string, Uri>(StringComparer.Ordinal);
        foreach (var (worker, key) in new[] { ("ingest", "Ingest:MetricsPort"), ("trainer", "Trainer:MetricsPort") })
            if (configuration.TryGetValue(key, out var port) && int.TryParse(port, CultureInfo.InvariantCulture, out var p) && p > 0)
                urls[worker] = new Uri($"http://127.0.0.1:{p.ToString(CultureInfo.InvariantCulture)}/metrics");
        if (configuration.TryGetValue("Scorer:Urls", out var scorer) && scorer is not null)
            urls["scorer"] = new Uri(new Uri(scorer.Split(';')[0]), "/metrics");
        return urls;
    }

    /// <summary>A free TCP port on the loopback interface (bound and released at once).</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
