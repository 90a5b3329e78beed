using System.Globalization;
using System.Text;
using Flip.FeatureStore.Store;
using Flip.Hosting;
using Flip.Ingest.Pipeline;
using Flip.Ingest.Worker;
using Xunit.Abstractions;

namespace Flip.Ingest.Tests.Worker;

/// <summary>Messages far over every size limit must not stop a partition (issue 9, finding 1), on the embedded broker.</summary>
public class PoisonMessageTests(ITestOutputHelper output)
{
    internal const string Valid = """{"id":"ID","time":"2000-12-31T22:12:40Z","fields":{"user_id":"1","gender":"female","age":"25-34","occupation":"writer","zip_code":"48067","movie_id":"1193","title":"One Flew Over the Cuckoo's Nest (1975)","genres":"Drama"},"label":1}""";

    internal static byte[] ValidEvent(string id) => Encoding.UTF8.GetBytes(Valid.Replace("\"ID\"", $"\"{id}\"", StringComparison.Ordinal));

    /// <summary>Starts like a click but never ends: "{"id":"big","fields":{"title":"xxxx...</summary>
    internal static byte[] Poison(int bytes)
    {
        var value = new byte[bytes];
        Array.Fill(value, (byte)'x');
        "{\"id\":\"big\",\"fields\":{\"title\":\""u8.CopyTo(value);
        return value;
    }

    [Fact]
    public async Task Messages_of_1_5_MB_go_to_the_dead_letter_topic_as_a_bounded_prefix_and_valid_events_behind_them_are_stored()
    {
        using var kafka = new TestKafka(partitions: 1);
        int poison = 1_500_000;
        kafka.ProduceRaw([ValidEvent("ok-0"), Poison(poison), ValidEvent("ok-1"), Poison(poison), ValidEvent("ok-2")], oneBatchEach: true);

        await using (var run = await IngestRun.StartAsync(kafka.Kafka, kafka.Ingest(), kafka.Store()))
        {
            await run.WaitForAsync(5, TimeSpan.FromMinutes(1));
            await run.StopAsync();
            Assert.Equal(3, run.Statistics.Stored);
            Assert.Equal(2, run.Statistics.DeadLettered);
            Assert.Equal(5, run.Statistics.CommittedOffsets[0]);
        }
        Assert.Equal(["ok-0", "ok-1", "ok-2"], kafka.OpenStore().ReadAll().Select(e => e.Id).Order(StringComparer.Ordinal));

        var dead = kafka.ReadTopic(kafka.Kafka.DeadLetterTopic, 2, TimeSpan.FromSeconds(30));
        Assert.Equal(2, dead.Count);
        foreach (var d in dead)
        {
            string Header(string name) => Encoding.UTF8.GetString(d.Message.Headers.GetLastBytes(name));
            Assert.Equal("oversize", Header(DeadLetterHeaders.Reason));
            Assert.Equal("true", Header(DeadLetterSink.TruncatedHeader));
            Assert.Equal(poison.ToString(CultureInfo.InvariantCulture), Header(DeadLetterSink.OriginalSizeHeader));
            Assert.Equal(new IngestOptions().DeadLetterMaxPayloadBytes, d.Message.Value!.Length);
            Assert.Equal(Poison(poison)[..d.Message.Value.Length], d.Message.Value);
        }
        Assert.Empty(new LocalDeadLetterFile(Path.Combine(new StoreLayout(kafka.StoreRoot).IngestDirectory, LocalDeadLetterFile.FileName)).ReadAll());
    }

    [Fact]
    public async Task When_even_the_bounded_dead_letter_is_refused_it_is_recorded_in_the_local_file_and_ingest_goes_on()
    {
        using var kafka = new TestKafka(partitions: 1);
        kafka.ProduceRaw([ValidEvent("ok-0"), Poison(1_500_000), ValidEvent("ok-1")], oneBatchEach: true);
        var ingest = kafka.Ingest();
        ingest.DeadLetterMaxPayloadBytes = 1_200_000; // over the dead-letter producer's 1,000,000-byte message.max.bytes

        await using (var run = await IngestRun.StartAsync(kafka.Kafka, ingest, kafka.Store()))
        {
            await run.WaitForAsync(3, TimeSpan.FromMinutes(1));
            await run.StopAsync();
            Assert.Equal(2, run.Statistics.Stored);
            Assert.Equal(1, run.Statistics.DeadLettered);
            Assert.Equal(3, run.Statistics.CommittedOffsets[0]);
            Assert.Contains("flip_ingest_dead_letter_local_total 1", await FlipMetrics.ExportAsync(run.Metrics), StringComparison.Ordinal);
        }
        Assert.Equal(["ok-0", "ok-1"], kafka.OpenStore().ReadAll().Select(e => e.Id).Order(StringComparer.Ordinal));
        var local = new LocalDeadLetterFile(Path.Combine(new StoreLayout(kafka.StoreRoot).IngestDirectory, LocalDeadLetterFile.FileName)).ReadAll();
        var record = Assert.Single(local);
        Assert.Equal((kafka.Kafka.ClicksTopic, 0, 1L, "oversize", 1_500_000), (record.Topic, record.Partition, record.Offset, record.Reason, record.OriginalSize));
        Assert.False(string.IsNullOrWhiteSpace(record.Error));
        output.WriteLine(record.ToString());
    }
}
