using System.Collections.Concurrent;

namespace Flip.Trainer.Training;

/// <summary>
/// Runs a sequence of items (batches) on a background thread, at most <c>depth</c> ahead of the consumer, so the
/// training thread never waits for the next batch to be built. Items come out in the sequence's order, so a
/// sequence that draws from one Random gives the same items as building them in the loop. Enumerate once; dispose
/// to stop early (items built but not consumed are disposed).
/// </summary>
public sealed class Prefetcher<T> : IDisposable where T : IDisposable
{
    private readonly BlockingCollection<T> queue;
    private readonly CancellationTokenSource stop = new();
    private readonly Task producer;

    /// <param name="items">The sequence, enumerated on the background thread (it must not touch the consumer's state).</param>
    /// <param name="depth">Items built ahead (at least 1).</param>
    public Prefetcher(IEnumerable<T> items, int depth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        queue = new BlockingCollection<T>(depth);
        var token = stop.Token;
        producer = Task.Factory.StartNew(() =>
        {
            try
            {
                foreach (var item in items)
                {
                    if (token.IsCancellationRequested) { item.Dispose(); break; }
                    try { queue.Add(item, token); }
                    catch (OperationCanceledException) { item.Dispose(); break; }
                }
            }
            finally { queue.CompleteAdding(); }
        }, token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>The items in order; rethrows a failure of the background thread.</summary>
    public IEnumerable<T> Items()
    {
        foreach (var item in queue.GetConsumingEnumerable()) yield return item;
        producer.GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        stop.Cancel();
        try { producer.Wait(); } catch (AggregateException) { /* already surfaced by Items(), or moot after stop */ }
        while (queue.TryTake(out var left)) left.Dispose();
        queue.Dispose();
        stop.Dispose();
    }
}
