using System.Diagnostics;
using System.Text;
using Flip.FeatureStore.Events;
using Flip.Ingest.Pipeline;

namespace Flip.Ingest.Tests.Worker;

/// <summary>An independent Kafka client (kcat, Debian package `kcat`, brought by <see cref="Kcat"/>) produces raw JSON lines; the ingest stores them.</summary>
public class KcatWireCompatibilityTests
{
    [Fact]
    public async Task Json_lines_produced_by_kcat_are_ingested()
    {
        var kcat = Kcat.Require(); // installs kcat when missing and running as root (see Kcat)

        using var kafka = new TestKafka(partitions: 3);
        var events = SyntheticClicks.Generate(500, hours: 2, prefix: "kcat");
        var json = new ClickEventJson(SyntheticClicks.Schema);
        var lines = new StringBuilder();
        // key<TAB>value per line, like a shell pipeline would send.
        foreach (var e in events) lines.Append(e.Values[0]).Append('\t').Append(Encoding.UTF8.GetString(json.Serialize(e))).Append('\n');
        lines.Append("bad\t{\"id\":\"broken\"\n");

        var start = new ProcessStartInfo(kcat, ["-P", "-b", kafka.Broker.BootstrapServers, "-t", kafka.Kafka.ClicksTopic, "-K", "\t"])
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using (var process = Process.Start(start)!)
        {
            await process.StandardInput.WriteAsync(lines.ToString());
            process.StandardInput.Close();
            var stderr = await process.StandardError.ReadToEndAsync();
            Assert.True(process.WaitForExit(60_000), "kcat did not finish");
            Assert.True(process.ExitCode == 0, $"kcat failed ({process.ExitCode}): {stderr}");
        }

        await using (var run = await IngestRun.StartAsync(kafka.Kafka, kafka.Ingest(), kafka.Store()))
        {
            await run.WaitForAsync(events.Count + 1, TimeSpan.FromMinutes(1));
            await run.StopAsync();
            Assert.Equal(1, run.Statistics.DeadLettered);
        }
        TestKafka.AssertExactlyOnce(events, kafka.OpenStore().ReadAll().ToList());
    }
}
