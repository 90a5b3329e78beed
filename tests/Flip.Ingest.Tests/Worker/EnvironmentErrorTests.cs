using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Flip.Hosting;
using Flip.Ingest.Dev.Replay;
using Flip.Ingest.Kafka;
using Flip.Ingest.Pipeline;
using Flip.Ingest.Tests.Dev.Kafka;
using Flip.Ingest.Worker;

namespace Flip.Ingest.Tests.Worker;

/// <summary>
/// Environment problems fail fast with one line naming the cause (issue 9, finding 3): an unreachable cluster after a
/// bounded wait, a store path that is a file, a busy metrics port. The CLI prints these messages and exits 2.
/// </summary>
public class EnvironmentErrorTests
{
    private static readonly KafkaOptions Nowhere = new() { BootstrapServers = "127.0.0.1:1" };

    [Fact]
    public async Task An_unreachable_cluster_fails_the_worker_after_the_configured_wait()
    {
        var ingest = new IngestOptions { ClusterWaitTimeout = TimeSpan.FromSeconds(2), MetricsPort = 0 };
        var root = Path.Combine(Path.GetTempPath(), $"flip-env-{Guid.NewGuid():N}");
        var clock = Stopwatch.StartNew();
        try
        {
            var e = await Assert.ThrowsAsync<KafkaUnavailableException>(() => IngestRun.StartAsync(Nowhere, ingest, new() { Root = root, Fsync = false }));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
            Assert.Contains("127.0.0.1:1", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', e.Message);
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Replay_to_an_unreachable_cluster_fails_after_the_configured_wait()
    {
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<KafkaUnavailableException>(() => new EventReplayer(Nowhere, SyntheticClicks.Schema)
            .Replay(() => SyntheticClicks.Generate(10), new ReplayOptions { ClusterWaitTimeout = TimeSpan.FromSeconds(2) }));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
        Assert.Contains("127.0.0.1:1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_path_that_is_a_file_is_named_in_one_line()
    {
        using var kafka = new TestKafka(partitions: 1);
        File.WriteAllText(kafka.StoreRoot, "not a folder");
        try
        {
            var e = await Assert.ThrowsAsync<IOException>(() => IngestRun.StartAsync(kafka.Kafka, kafka.Ingest(), kafka.Store()));
            Assert.Contains(kafka.StoreRoot, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', e.Message);
        }
        finally
        {
            File.Delete(kafka.StoreRoot);
        }
    }

    [Fact]
    public async Task A_busy_metrics_port_is_named_in_one_line()
    {
        using var kafka = new TestKafka(partitions: 1);
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        int port = ((IPEndPoint)holder.LocalEndpoint).Port;
        var builder = IngestHost.CreateBuilder(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = kafka.Broker.BootstrapServers,
            ["Store:Root"] = kafka.StoreRoot,
            ["Ingest:MetricsPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        using var host = builder.Build();

        var e = await Assert.ThrowsAsync<IOException>(() => IngestHost.RunAsync(host));
        Assert.Contains($"127.0.0.1:{port}", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }
}
