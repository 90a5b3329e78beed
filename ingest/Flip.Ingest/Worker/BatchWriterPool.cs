using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Flip.Ingest.Worker;

/// <summary>
/// Writer threads that write and commit batches while the consumer thread keeps reading. A partition always goes to the
/// same writer, first in first out, so its batches commit in offset order. Each queue holds at most two batches (the
/// consumer blocks beyond that). After a failed batch nothing more is written or committed; <see cref="Error"/> tells the
/// consumer thread, which stops the worker.
/// </summary>
internal sealed class BatchWriterPool : IDisposable
{
    /// <summary>A batch to write and commit, or (Batch null) a barrier signalled once everything before it is done.</summary>
    private sealed record WriteJob(PartitionBatch? Batch, ManualResetEventSlim? Done);

    private readonly BlockingCollection<WriteJob>[] _queues;
    private readonly List<Thread> _threads;
    private readonly Action<PartitionBatch> _write;
    private readonly Microsoft.Extensions.Logging.ILogger _log;
    private volatile Exception? _error;

    public BatchWriterPool(int writers, Action<PartitionBatch> write, Microsoft.Extensions.Logging.ILogger log)
    {
        _write = write;
        _log = log;
        _queues = Enumerable.Range(0, writers).Select(_ => new BlockingCollection<WriteJob>(boundedCapacity: 2)).ToArray();
        _threads = _queues.Select((queue, i) => new Thread(() => Loop(queue)) { IsBackground = true, Name = $"flip-ingest-writer-{i}" }).ToList();
        _threads.ForEach(t => t.Start());
    }

    /// <summary>The first write failure, or null.</summary>
    public Exception? Error => _error;

    /// <summary>Queues a batch on its partition's writer (blocks while that writer has two batches queued).</summary>
    public void Enqueue(PartitionBatch batch) =>
        _queues[batch.Partition.Partition.Value % _queues.Length].Add(new WriteJob(batch, null));

    /// <summary>Waits until every queued batch is written and committed; throws when a write failed.</summary>
    public void Drain()
    {
        var barriers = new List<ManualResetEventSlim>();
        foreach (var queue in _queues)
        {
            if (queue.IsAddingCompleted) continue;
            var done = new ManualResetEventSlim();
            barriers.Add(done);
            queue.Add(new WriteJob(null, done));
        }
        foreach (var done in barriers)
        {
            done.Wait();
            done.Dispose();
        }
        ThrowIfFailed();
    }

    /// <summary>Throws the first write failure, if any (wrapped so both stacks are kept).</summary>
    public void ThrowIfFailed()
    {
        if (_error is { } failure) throw new IOException($"Writing a batch failed: {failure.Message}", failure);
    }

    private void Loop(BlockingCollection<WriteJob> queue)
    {
        foreach (var job in queue.GetConsumingEnumerable())
        {
            if (job.Batch is not null && _error is null)
            {
                try
                {
                    _write(job.Batch);
                }
                catch (Exception ex)
                {
                    // Nothing after a failed batch is written or committed; the consumer thread stops the worker.
                    _error = ex;
                    _log.LogError("Writing {Source} failed: {Message}", job.Batch.SourceId, ex.Message);
                }
            }
            job.Done?.Set();
        }
    }

    /// <summary>Lets the writers finish what is queued and joins them.</summary>
    public void Dispose()
    {
        foreach (var queue in _queues) queue.CompleteAdding();
        _threads.ForEach(t => t.Join());
    }
}
