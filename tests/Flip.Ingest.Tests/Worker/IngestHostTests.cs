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
        using var http = new HttpClient();
        var url = $"http://127.0.0.1:{port}/metrics"; // Ingest:MetricsBindAddress defaults to loopback

        // Idle, before the first message: every series is already there (at zero), lag and loss for each assigned partition.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (stats.AssignedPartitions < 2 && DateTime.UtcNow < deadline) await Task.Delay(100);
        await Task.Delay(1_500); // one lag refresh
        var idle = await http.GetStringAsync(url);
        Assert.Contains("flip_ingest_events_total{outcome=\"stored\"} 0", idle, StringComparison.Ordinal);
        Assert.Contains("flip_ingest_dead_letter_total{reason=\"oversize\"} 0", idle, StringComparison.Ordinal);
        Assert.Contains("flip_ingest_flush_duration_seconds_count 0", idle, StringComparison.Ordinal);
        foreach (var partition in new[] { "0", "1" })
        {
            Assert.Contains($"flip_ingest_consumer_lag{{partition=\"{partition}\"}} 0", idle, StringComparison.Ordinal);
            Assert.Contains($"flip_ingest_lost_messages_total{{partition=\"{partition}\"}} 0", idle, StringComparison.Ordinal);
        }

        new EventReplayer(kafka.Kafka, SyntheticClicks.Schema).Replay(() => events, new ReplayOptions());
        deadline = DateTime.UtcNow.AddSeconds(60);
        while (stats.Stored < events.Count && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Equal(events.Count, stats.Stored);

        var metrics = await http.GetStringAsync(url);
        Assert.Contains("flip_ingest_events_total{outcome=\"stored\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("flip_ingest_flush_duration_seconds_bucket", metrics, StringComparison.Ordinal);
        Assert.Contains("flip_ingest_batch_size", metrics, StringComparison.Ordinal);
        Assert.Contains("flip_ingest_bytes_written_total", metrics, StringComparison.Ordinal);
        Assert.Contains("flip_ingest_consumer_lag{partition=", metrics, StringComparison.Ordinal);

        await host.StopAsync();
        TestKafka.AssertExactlyOnce(events, kafka.OpenStore().ReadAll().ToList());
    }
}
