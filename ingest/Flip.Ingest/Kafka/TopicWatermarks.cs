using Flip.Hosting;
using Confluent.Kafka;

namespace Flip.Ingest.Kafka;

/// <summary>Reads a topic's per-partition low watermarks: how many of its oldest messages retention has removed.</summary>
public static class TopicWatermarks
{
    /// <summary>Sum of the partitions' low watermarks of <paramref name="topic"/> (0 when nothing was ever dropped).</summary>
    public static long DroppedMessages(KafkaOptions kafka, string topic)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(kafka.Apply(new ConsumerConfig { GroupId = "flip-watermarks" })).Build();
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10));
        long dropped = 0;
        foreach (var p in metadata.Topics[0].Partitions)
            dropped += consumer.QueryWatermarkOffsets(new TopicPartition(topic, p.PartitionId), TimeSpan.FromSeconds(10)).Low.Value;
        return dropped;
    }
}
