using System.Collections.Concurrent;

namespace Flip.Ingest.Worker;

/// <summary>Running totals of one worker, for callers in the same process (CLI progress, tests); Prometheus gets the same figures.</summary>
public sealed class IngestStatistics
{
    private long _stored, _deadLettered, _flushes, _files, _bytes, _firstConsumed;
    private int _assigned;

    /// <summary>Events written to the store (counted when their offsets are committed).</summary>
    public long Stored => Interlocked.Read(ref _stored);
    /// <summary>Messages sent to the dead-letter topic (counted when their offsets are committed).</summary>
    public long DeadLettered => Interlocked.Read(ref _deadLettered);
    /// <summary>Partitions currently assigned to the worker (0 until it joined its group).</summary>
    public int AssignedPartitions => Volatile.Read(ref _assigned);

    internal void SetAssigned(int count) => Volatile.Write(ref _assigned, count);

    public long Flushes => Interlocked.Read(ref _flushes);
    public long FilesWritten => Interlocked.Read(ref _files);
    public long BytesWritten => Interlocked.Read(ref _bytes);

    /// <summary><see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> when the first message was consumed; 0 before that.</summary>
    public long FirstConsumedTimestamp => Interlocked.Read(ref _firstConsumed);

    internal void RecordFirstConsumed()
    {
        if (Interlocked.Read(ref _firstConsumed) == 0) Interlocked.CompareExchange(ref _firstConsumed, System.Diagnostics.Stopwatch.GetTimestamp(), 0);
    }

    private long _lost, _duplicates;

    /// <summary>Messages dropped as duplicates by event id (counted when their offsets are committed).</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    internal void RecordDuplicates(long count) => Interlocked.Add(ref _duplicates, count);

    /// <summary>Messages the broker deleted before they were consumed (see <see cref="OffsetGapDetector"/>); 0 in a healthy run.</summary>
    public long LostMessages => Interlocked.Read(ref _lost);

    internal void RecordLost(long count) => Interlocked.Add(ref _lost, count);

    /// <summary>Next offset to read per partition, as last committed by this worker.</summary>
    public ConcurrentDictionary<int, long> CommittedOffsets { get; } = new();

    internal void RecordFlush(int partition, long nextOffset, int stored, int deadLettered, int files, long bytes)
    {
        Interlocked.Add(ref _stored, stored);
        Interlocked.Add(ref _deadLettered, deadLettered);
        Interlocked.Increment(ref _flushes);
        Interlocked.Add(ref _files, files);
        Interlocked.Add(ref _bytes, bytes);
        CommittedOffsets[partition] = nextOffset;
    }
}
