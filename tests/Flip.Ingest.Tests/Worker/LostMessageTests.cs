using System.Text;
using Flip.Hosting;
using Flip.Ingest.Pipeline;
using Xunit.Abstractions;

namespace Flip.Ingest.Tests.Worker;

/// <summary>
/// Messages the broker deletes before the ingest reads them are counted and reported, never skipped silently (issue 9,
/// finding 2). The embedded broker keeps 5 MiB per partition: a 10 MB message empties the partition.
/// </summary>
public class LostMessageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_10_MB_message_that_empties_a_partition_is_counted_as_lost_and_other_partitions_keep_flowing()
    {
        using var kafka = new TestKafka(partitions: 2);
        await using var run = await IngestRun.StartAsync(kafka.Kafka, kafka.Ingest(), kafka.Store());
        await run.WaitForAssignmentAsync(TimeSpan.FromSeconds(30));
        kafka.ProduceRaw([PoisonMessageTests.ValidEvent("p0-ok-0")], partition: 0);
        await run.WaitForAsync(1, TimeSpan.FromSeconds(30));

        // Behind the stored event: a 10 MB message and a valid event, on partition 0 (the broker drops both);
        // partition 1 carries on.
        kafka.ProduceRaw([PoisonMessageTests.Poison(10_000_000), PoisonMessageTests.ValidEvent("p0-ok-1")], partition: 0, oneBatchEach: true);
        var low = kafka.Watermarks(0).Low.Value;
        output.WriteLine($"partition 0 watermarks after the poison: {kafka.Watermarks(0).Low}-{kafka.Watermarks(0).High}");
        Assert.True(low >= 2, "the embedded broker was expected to drop the 10 MB message by retention");
        kafka.ProduceRaw([PoisonMessageTests.ValidEvent("p1-ok-0")], partition: 1);

        var lost = await Assert.ThrowsAsync<IngestDataLostException>(() => run.WaitForAsync(3, TimeSpan.FromSeconds(60)));
        output.WriteLine(lost.Message);
        // The loss is reported as soon as it is seen; a range dropped in two steps (the poison, then the event behind
        // it) is counted in two steps, so wait for the whole range.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((run.Statistics.Stored < 2 || run.Statistics.LostMessages < low - 1) && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Equal(2, run.Statistics.Stored); // p0-ok-0 and p1-ok-0: partition 1 was never blocked
        Assert.Equal(low - 1, run.Statistics.LostMessages); // offsets 1 .. low-1 of partition 0
        var metrics = await FlipMetrics.ExportAsync(run.Metrics);
        Assert.Contains($"flip_ingest_lost_messages_total{{partition=\"0\"}} {low - 1}", metrics, StringComparison.Ordinal);
        Assert.Contains("flip_ingest_lost_messages_total{partition=\"1\"} 0", metrics, StringComparison.Ordinal);
    }
}
