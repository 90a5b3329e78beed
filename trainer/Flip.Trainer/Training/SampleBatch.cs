using static TorchSharp.torch;

namespace Flip.Trainer.Training;

/// <summary>One batch as tensors: feature ids [n, F] (int64) and labels [n] (float32). The consumer disposes it.</summary>
public sealed class SampleBatch(Tensor ids, Tensor labels, int count) : IDisposable
{
    public Tensor Ids { get; } = ids;
    public Tensor Labels { get; } = labels;
    public int Count { get; } = count;

    /// <summary>Copies rows <paramref name="rows"/> of <paramref name="samples"/> into fresh arrays and wraps them as tensors.</summary>
    public static SampleBatch From(SampleSet samples, ReadOnlySpan<int> rows)
    {
        int f = samples.FieldCount;
        var ids = new long[rows.Length * f];
        var labels = new float[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            var row = samples.IdsOf(rows[i]);
            for (int j = 0; j < f; j++) ids[i * f + j] = row[j];
            labels[i] = samples.LabelOf(rows[i]);
        }
        return new SampleBatch(tensor(ids, [rows.Length, f]), tensor(labels, [rows.Length]), rows.Length);
    }

    public void Dispose()
    {
        Ids.Dispose();
        Labels.Dispose();
    }
}
