using System.Collections.Concurrent;

namespace Flip.Trainer.Training;

/// <summary>
/// Prepares batches on a background thread (copying ids into tensors) while the training thread runs the model,
/// keeping at most a few batches in flight. Enumerate once; dispose to stop early (unconsumed batches are freed).
/// </summary>
public sealed class BatchProducer : IDisposable
{
    private readonly BlockingCollection<SampleBatch> queue;
    private readonly CancellationTokenSource stop = new();
    private readonly Task producer;

    /// <param name="samples">Rows to batch.</param>
    /// <param name="batchSize">Rows per batch (the last batch may be smaller).</param>
    /// <param name="shuffleSeed">Seed of a row shuffle, or null to keep the order.</param>
    /// <param name="prefetch">Batches prepared ahead.</param>
    public BatchProducer(SampleSet samples, int batchSize, int? shuffleSeed, int prefetch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(prefetch, 1);
        queue = new BlockingCollection<SampleBatch>(prefetch);
        var order = new int[samples.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        if (shuffleSeed is int seed) new Random(seed).Shuffle(order);
        var token = stop.Token;
        producer = Task.Factory.StartNew(() =>
        {
            try
            {
                for (int start = 0; start < order.Length && !token.IsCancellationRequested; start += batchSize)
                {
                    var batch = SampleBatch.From(samples, order.AsSpan(start, Math.Min(batchSize, order.Length - start)));
                    try { queue.Add(batch, token); }
                    catch (OperationCanceledException) { batch.Dispose(); break; }
                }
            }
            finally { queue.CompleteAdding(); }
        }, token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Batches in order; rethrows a failure of the producer thread.</summary>
    public IEnumerable<SampleBatch> Batches()
    {
        foreach (var batch in queue.GetConsumingEnumerable()) yield return batch;
        producer.GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        stop.Cancel();
        try { producer.Wait(); } catch (AggregateException) { /* the failure was already surfaced by Batches() or is moot after stop */ }
        while (queue.TryTake(out var left)) left.Dispose();
        queue.Dispose();
        stop.Dispose();
    }
}
