namespace Flip.Trainer.Training;

/// <summary>
/// Prepares ID-model batches on a background thread (copying ids into tensors, <see cref="Prefetcher{T}"/>) while the
/// training thread runs the model, keeping at most a few batches in flight. Enumerate once; dispose to stop early
/// (unconsumed batches are freed).
/// </summary>
public sealed class BatchProducer : IDisposable
{
    private readonly Prefetcher<SampleBatch> prefetcher;

    /// <param name="samples">Rows to batch.</param>
    /// <param name="batchSize">Rows per batch (the last batch may be smaller).</param>
    /// <param name="shuffleSeed">Seed of a row shuffle, or null to keep the order.</param>
    /// <param name="prefetch">Batches prepared ahead.</param>
    public BatchProducer(SampleSet samples, int batchSize, int? shuffleSeed, int prefetch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var order = new int[samples.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        if (shuffleSeed is int seed) new Random(seed).Shuffle(order);
        prefetcher = new Prefetcher<SampleBatch>(Build(samples, order, batchSize), prefetch);
    }

    private static IEnumerable<SampleBatch> Build(SampleSet samples, int[] order, int batchSize)
    {
        for (int start = 0; start < order.Length; start += batchSize)
            yield return SampleBatch.From(samples, order.AsSpan(start, Math.Min(batchSize, order.Length - start)));
    }

    /// <summary>Batches in order; rethrows a failure of the producer thread.</summary>
    public IEnumerable<SampleBatch> Batches() => prefetcher.Items();

    public void Dispose() => prefetcher.Dispose();
}
