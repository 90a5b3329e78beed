using Flip.Ingest.Dev.Replay;
using Flip.Ingest.Tests.Dev.Kafka;
using Flip.Ingest.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Flip.Ingest.Tests.Worker;

/// <summary>The worker as `flip ingest` runs it: Generic Host, options bound from configuration keys, /metrics served.</summary>
public class IngestHostTests
{
    [Fact]
    public async Task Host_binds_configuration_ingests_and_serves_prometheus_metrics()
    {
        using var kafka = new TestKafka(partitions: 2);
        var events = SyntheticClicks.Generate(3_000, prefix: "host");
        new EventReplayer(kafka.Kafka, SyntheticClicks.Schema).Replay(() => events, new ReplayOptions());
        int port = EmbeddedKafkaBrokerTests.FreePort();
        var builder = IngestHost.CreateBuilder(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = kafka.Broker.BootstrapServers,
            ["Store:Root"] = kafka.StoreRoot,
            ["Store:Fsync"] = "false",
            ["Ingest:ConsumerGroup"] = "host-test",
            ["Ingest:FlushInterval"] = "00:00:00.500",
            ["Ingest:SessionTimeoutMs"] = "6000",
            ["Ingest:MetricsPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        using var host = builder.Build();
        await host.StartAsync();
        var stats = host.Services.GetRequiredService<IngestStatistics>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (stats.Stored < events.Count && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Equal(events.Count, stats.Stored);

        using var http = new HttpClient();
        var metrics = await http.GetStringAsync($"http://localhost:{port}/metrics");
        Assert.Contains("flip_ingest_events_total{outcome=\"stored\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("flip_ingest_flush_duration_seconds_bucket", metrics, StringComparison.Ordinal);
        Assert.Contains("flip_ingest_batch_size", metrics, StringComparison.Ordinal);
        Assert.Contains("flip_ingest_bytes_written_total", metrics, StringComparison.Ordinal);
        Assert.Contains("flip_ingest_consumer_lag{partition=", metrics, StringComparison.Ordinal);

        await host.StopAsync();
        TestKafka.AssertExactlyOnce(events, kafka.OpenStore().ReadAll().ToList());
    }
}
