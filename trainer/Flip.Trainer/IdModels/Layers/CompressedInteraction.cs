using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Flip.Trainer.IdModels.Layers;

/// <summary>
/// xDeepFM's compressed interaction network (CIN): each layer takes outer products of the previous layer's
/// feature maps with the input fields along the embedding axis and compresses them with a 1x1 convolution;
/// every layer's maps are sum-pooled over the embedding axis. Output [B, <see cref="OutputSize"/>].
/// </summary>
public sealed class CompressedInteraction : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<Conv1d> convolutions;
    private readonly int[] sizes;
    private readonly bool splitHalf;

    public CompressedInteraction(int numFields, IReadOnlyList<int> layerSizes, bool splitHalf) : base(nameof(CompressedInteraction))
    {
        if (layerSizes.Count == 0) throw new ArgumentException("CIN needs at least one layer.", nameof(layerSizes));
        sizes = layerSizes.ToArray();
        this.splitHalf = splitHalf;
        var convs = new List<Conv1d>();
        int previous = numFields;
        int output = 0;
        for (int i = 0; i < sizes.Length; i++)
        {
            bool last = i == sizes.Length - 1;
            if (splitHalf && !last && sizes[i] % 2 != 0)
                throw new ArgumentException($"CIN layer sizes must be even with SplitHalf (layer {i} is {sizes[i]}).", nameof(layerSizes));
            convs.Add(nn.Conv1d(previous * numFields, sizes[i], 1));
            int next = splitHalf && !last ? sizes[i] / 2 : sizes[i];
            output += splitHalf && !last ? sizes[i] / 2 : sizes[i];
            previous = next;
        }
        OutputSize = output;
        convolutions = nn.ModuleList(convs.ToArray());
        register_module("convolutions", convolutions);
    }

    public int OutputSize { get; }

    public override Tensor forward(Tensor x0)
    {
        using var scope = NewDisposeScope();
        long batch = x0.shape[0], dim = x0.shape[2];
        var hidden = x0;
        var pooled = new List<Tensor>();
        for (int i = 0; i < sizes.Length; i++)
        {
            // [B, H, 1, D] * [B, 1, F, D] -> [B, H*F, D]
            var outer = (hidden.unsqueeze(2) * x0.unsqueeze(1)).reshape(batch, -1, dim);
            var maps = nn.functional.relu(convolutions[i].call(outer)); // [B, size, D]
            bool last = i == sizes.Length - 1;
            if (splitHalf && !last)
            {
                var halves = maps.split(sizes[i] / 2, 1);
                hidden = halves[0];
                pooled.Add(halves[1]);
            }
            else
            {
                hidden = maps;
                pooled.Add(maps);
            }
        }
        return cat(pooled, 1).sum(2).MoveToOuterDisposeScope();
    }
}
