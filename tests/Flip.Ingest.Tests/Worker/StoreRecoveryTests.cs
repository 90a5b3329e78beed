using Confluent.Kafka;
using Flip.FeatureStore.Events;
using Flip.Ingest.Pipeline;
using Flip.Ingest.Dev.Replay;
using Flip.Ingest.Worker;

namespace Flip.Ingest.Tests.Worker;

/// <summary>
/// The crash a kill can only hit by luck, made deterministic: files left behind by a worker that died after
/// renaming them but before committing, and files of ranges that were committed.
/// </summary>
public class StoreRecoveryTests
{
    [Fact]
    public async Task Uncommitted_files_are_replaced_and_committed_ones_kept_so_every_event_is_stored_once()
    {
        using var kafka = new TestKafka(partitions: 2);
        var events = SyntheticClicks.Generate(6_000, hours: 30);
        new EventReplayer(kafka.Kafka, SyntheticClicks.Schema).Replay(() => events, new ReplayOptions());

        // Which event sits at which offset of which partition.
        var json = new ClickEventJson(SyntheticClicks.Schema);
        var log = kafka.ReadTopic(kafka.Kafka.ClicksTopic, events.Count, TimeSpan.FromSeconds(60))
            .Select(r => (Partition: r.Partition.Value, Offset: r.Offset.Value, Event: json.Deserialize(r.Message.Value).Event!))
            .ToList();
        Assert.Equal(events.Count, log.Count);
        List<ClickEvent> Range(int partition, long first, long last) =>
            log.Where(m => m.Partition == partition && m.Offset >= first && m.Offset <= last).OrderBy(m => m.Offset).Select(m => m.Event).ToList();

        var ingest = kafka.Ingest(flushMessages: 700);
        var store = kafka.OpenStore();
        // Partition 0: a crashed worker wrote [0, 999] (several hour files) but never committed.
        store.Append(Range(0, 0, 999), new BatchSourceId(kafka.Kafka.ClicksTopic, 0, 0, 999).ToString());
        // Partition 1: [0, 1199] was written and committed; then [1200, 1999] written, not committed.
        store.Append(Range(1, 0, 1199), new BatchSourceId(kafka.Kafka.ClicksTopic, 1, 0, 1199).ToString());
        store.Append(Range(1, 1200, 1999), new BatchSourceId(kafka.Kafka.ClicksTopic, 1, 1200, 1999).ToString());
        Commit(kafka, ingest.ConsumerGroup, new TopicPartitionOffset(kafka.Kafka.ClicksTopic, 1, 1200));
        var committedFiles = store.ListFiles().Where(f => f.SourceId.Contains("-1-00000000000000000000-", StringComparison.Ordinal)).Select(f => f.Path).ToList();
        var committedWrittenAt = committedFiles.ToDictionary(p => p, File.GetLastWriteTimeUtc);

        // A worker with different batch boundaries (700) than the "crashed" one (1000 / 800 from 1200).
        await using (var run = await IngestRun.StartAsync(kafka.Kafka, ingest, kafka.Store()))
        {
            await run.WaitForAsync(events.Count - 1200, TimeSpan.FromMinutes(1));
            await run.StopAsync();
        }

        TestKafka.AssertExactlyOnce(events, kafka.OpenStore().ReadAll().ToList());
        // The committed range's files were left as they were; the uncommitted ones are gone.
        foreach (var (path, writtenAt) in committedWrittenAt) Assert.Equal(writtenAt, File.GetLastWriteTimeUtc(path));
        var names = kafka.OpenStore().ListFiles().Select(f => f.SourceId).ToHashSet();
        Assert.DoesNotContain(new BatchSourceId(kafka.Kafka.ClicksTopic, 0, 0, 999).ToString(), names);
        Assert.DoesNotContain(new BatchSourceId(kafka.Kafka.ClicksTopic, 1, 1200, 1999).ToString(), names);
    }

    private static void Commit(TestKafka kafka, string group, TopicPartitionOffset offset)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(kafka.Kafka.Apply(new ConsumerConfig { GroupId = group, EnableAutoCommit = false })).Build();
        consumer.Commit([offset]);
        var committed = consumer.Committed([offset.TopicPartition], TimeSpan.FromSeconds(10));
        Assert.Equal(offset.Offset, Assert.Single(committed).Offset);
    }
}
