using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Flip.Trainer.IdModels.Layers;

/// <summary>DCNv2's full-rank cross layers: x_{l+1} = x0 ⊙ (W_l x_l + b_l) + x_l.</summary>
public sealed class FullRankCross : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<Linear> layers;

    public FullRankCross(long inputSize, int layerCount) : base(nameof(FullRankCross))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(layerCount, 1);
        layers = nn.ModuleList(Enumerable.Range(0, layerCount).Select(_ => nn.Linear(inputSize, inputSize)).ToArray());
        register_module("layers", layers);
    }

    public override Tensor forward(Tensor x0)
    {
        using var scope = NewDisposeScope();
        var xl = x0;
        foreach (var layer in layers)
            xl = x0 * layer.call(xl) + xl;
        return xl.MoveToOuterDisposeScope();
    }
}
