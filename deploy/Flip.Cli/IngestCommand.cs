using System.CommandLine;
using Flip.Ingest.Worker;

namespace Flip.Cli;

/// <summary>`flip ingest`: runs the ingest worker (Kafka -> Parquet store) in the Generic Host until Ctrl+C / SIGTERM.</summary>
internal static class IngestCommand
{
    public static Command Create()
    {
        var bootstrap = StreamingConfiguration.Bootstrap();
        var store = new Option<DirectoryInfo>("--store", "-s") { Description = "Store folder (default: Store:Root from appsettings.json)" };
        var dataset = new Option<string>("--dataset", "-d") { Description = $"Schema of the events: {Flip.FeatureStore.Readers.DatasetCatalog.Description} (default: Ingest:Dataset, movielens-1m)" };
        var metricsPort = new Option<int?>("--metrics-port") { Description = "Port of Prometheus /metrics, 0 = off (default: Ingest:MetricsPort, 9464)" };
        var group = new Option<string>("--group") { Description = "Consumer group (default: Ingest:ConsumerGroup, flip-ingest)" };
        var metricsBind = new Option<string>("--metrics-bind") { Description = "Interface of /metrics: 127.0.0.1 (loopback) or + (all; containers) (default: Ingest:MetricsBindAddress, 127.0.0.1)" };
        var clusterWait = StreamingConfiguration.ClusterWait();
        var cmd = new Command("ingest", "Consume flip.clicks into the Parquet store (dead letters to flip.clicks.dlq), committing offsets only after files are durable");
        foreach (var o in new Option[] { bootstrap, store, dataset, metricsPort, metricsBind, group, clusterWait }) cmd.Options.Add(o);
        cmd.SetAction(async (parse, ct) =>
        {
            var overrides = StreamingConfiguration.Overrides(parse.GetValue(bootstrap));
            if (parse.GetValue(store) is { } s) overrides["Store:Root"] = s.FullName;
            if (parse.GetValue(dataset) is { } d) overrides["Ingest:Dataset"] = d;
            if (parse.GetValue(metricsPort) is { } p) overrides["Ingest:MetricsPort"] = p.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (parse.GetValue(group) is { } g) overrides["Ingest:ConsumerGroup"] = g;
            if (parse.GetValue(metricsBind) is { } b) overrides["Ingest:MetricsBindAddress"] = b;
            if (parse.GetValue(clusterWait) is { } w) overrides["Ingest:ClusterWaitTimeout"] = TimeSpan.FromSeconds(w).ToString("c", System.Globalization.CultureInfo.InvariantCulture);
            // Bad options, a bad schema file, an unusable store folder, Kafka unreachable, a busy metrics port, a full disk: the
            // error policy makes them one line and exit 2.
            using var host = IngestHost.CreateBuilder(overrides).Build();
            return await IngestHost.RunAsync(host, ct);
        });
        return cmd;
    }
}
