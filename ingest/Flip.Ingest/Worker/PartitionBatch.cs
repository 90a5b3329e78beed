using Confluent.Kafka;
using Flip.FeatureStore.Events;

namespace Flip.Ingest.Worker;

/// <summary>Messages of one partition consumed since its last flush: a contiguous offset range, its valid events and the count sent to the dead-letter topic.</summary>
internal sealed class PartitionBatch(TopicPartition partition, int capacity)
{
    public TopicPartition Partition { get; } = partition;
    public List<ClickEvent> Events { get; } = new(capacity);
    public long FirstOffset { get; private set; } = -1;
    public long LastOffset { get; private set; } = -1;
    public int DeadLettered { get; private set; }
    /// <summary>Messages dropped as duplicates of an event already stored or batched (<see cref="EventDeduplicator"/>).</summary>
    public int Duplicates { get; private set; }
    /// <summary><see cref="Environment.TickCount64"/> when the first message arrived.</summary>
    public long StartedAtMs { get; private set; }
    public int Messages => Events.Count + DeadLettered + Duplicates;
    public bool IsEmpty => FirstOffset < 0;

    /// <summary>Adds a message: an event to store, null for a dead letter, or a duplicate (not stored).</summary>
    public void Add(long offset, ClickEvent? e, bool duplicate = false)
    {
        if (FirstOffset < 0)
        {
            FirstOffset = offset;
            StartedAtMs = Environment.TickCount64;
        }
        LastOffset = offset;
        if (duplicate) Duplicates++;
        else if (e is not null) Events.Add(e);
        else DeadLettered++;
    }

    public void Clear()
    {
        Events.Clear();
        FirstOffset = LastOffset = -1;
        DeadLettered = 0;
        Duplicates = 0;
    }

    public BatchSourceId SourceId => new(Partition.Topic, Partition.Partition.Value, FirstOffset, LastOffset);
}
