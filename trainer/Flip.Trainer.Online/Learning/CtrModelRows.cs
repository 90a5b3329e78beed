using Flip.Trainer.IdModels;
using TorchSharp;
using static TorchSharp.torch;

namespace Flip.Trainer.Online;

/// <summary>
/// Row surgery on an ID-zoo model whose embedding tables are indexed by the online id space (<see cref="EmbeddingRowTable"/>):
/// growth (copy every old row and every other weight into a larger model), recycling (re-initialise freed rows) and
/// compaction (keep only rows in use, renumbered). Shared by the ID-zoo and the FLIP learners (FLIP's ID side).
/// </summary>
internal static class CtrModelRows
{
    /// <summary>Copies every weight of <paramref name="from"/> into <paramref name="into"/>, whose row tables may be larger (their first rows get the old rows; the rest keep their fresh initialisation).</summary>
    public static void CopyGrowing(CtrModel from, CtrModel into)
    {
        using var noGrad = no_grad();
        var target = into.state_dict();
        foreach (var (name, value) in from.state_dict())
        {
            var to = target[name];
            if (to.shape.SequenceEqual(value.shape)) to.copy_(value);
            else
            {
                using var head = to.narrow(0, 0, value.shape[0]);
                head.copy_(value);
            }
        }
    }

    /// <summary>Re-initialises <paramref name="rows"/>: feature embeddings drawn again (N(0, <paramref name="embeddingInitStd"/>)), other row tables (first-order weights) zeroed.</summary>
    public static void Reinitialise(CtrModel model, IReadOnlyList<int> rows, double embeddingInitStd)
    {
        if (rows.Count == 0) return;
        using var noGrad = no_grad();
        using var index = tensor(rows.Select(r => (long)r).ToArray(), device: model.parameters().First().device);
        foreach (var (name, weight) in RowTables(model))
        {
            if (name.StartsWith("embedding.", StringComparison.Ordinal))
            {
                using var fresh = normal(0, embeddingInitStd, [rows.Count, weight.shape[1]], device: weight.device);
                weight.index_copy_(0, index, fresh);
            }
            else weight.index_fill_(0, index, 0);
        }
    }

    /// <summary>Copies <paramref name="from"/> into <paramref name="compact"/> keeping only the rows <paramref name="rowOfId"/> names, in that order (other weights as they are).</summary>
    public static void CopyCompacted(CtrModel from, CtrModel compact, IReadOnlyList<int> rowOfId)
    {
        using var noGrad = no_grad();
        using var index = tensor(rowOfId.Select(r => (long)r).ToArray(), device: from.parameters().First().device);
        var rowTables = RowTables(from).Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var target = compact.state_dict();
        foreach (var (name, value) in from.state_dict())
        {
            if (rowTables.Contains(name))
            {
                using var rows = value.index_select(0, index);
                target[name].copy_(rows);
            }
            else target[name].copy_(value);
        }
    }

    /// <summary>Embedding weights indexed by feature row (the shared table, first-order weights): state-dict name and tensor.</summary>
    public static List<(string Name, Tensor Weight)> RowTables(CtrModel model)
    {
        var tables = new List<(string, Tensor)>();
        foreach (var (name, module) in model.named_modules())
        {
            if (module is TorchSharp.Modules.Embedding embedding && embedding.weight is { } w && w.shape[0] == model.NumFeatures)
                tables.Add((name + ".weight", w));
        }
        return tables;
    }
}
