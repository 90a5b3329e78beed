using static TorchSharp.torch;

namespace Flip.Trainer.IdModels.Layers;

/// <summary>Index pairs (i &lt; j) over fields, for models that look at every pair of feature embeddings.</summary>
public sealed class PairwiseInteractions
{
    private readonly long[] rows;
    private readonly long[] cols;

    public PairwiseInteractions(int numFields)
    {
        var r = new List<long>();
        var c = new List<long>();
        for (int i = 0; i < numFields; i++)
            for (int j = i + 1; j < numFields; j++) { r.Add(i); c.Add(j); }
        rows = r.ToArray();
        cols = c.ToArray();
    }

    /// <summary>F·(F-1)/2.</summary>
    public int Count => rows.Length;

    /// <summary>Element-wise products of every pair: [B, F, D] to [B, P, D].</summary>
    public Tensor Products(Tensor embedded)
    {
        using var r = tensor(rows, device: embedded.device);
        using var c = tensor(cols, device: embedded.device);
        using var left = embedded.index_select(1, r);
        using var right = embedded.index_select(1, c);
        return left * right;
    }

    /// <summary>Inner products of every pair: [B, F, D] to [B, P].</summary>
    public Tensor InnerProducts(Tensor embedded)
    {
        using var p = Products(embedded);
        return p.sum(2);
    }
}
