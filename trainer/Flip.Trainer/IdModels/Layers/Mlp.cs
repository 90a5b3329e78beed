using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Flip.Trainer.IdModels.Layers;

/// <summary>The DNN tower: Linear -> ReLU -> Dropout per hidden layer. Output width is the last hidden size.</summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly Sequential layers;

    public Mlp(long inputSize, IReadOnlyList<int> hiddenUnits, double dropout) : base(nameof(Mlp))
    {
        var modules = new List<(string, nn.Module<Tensor, Tensor>)>();
        long width = inputSize;
        for (int i = 0; i < hiddenUnits.Count; i++)
        {
            modules.Add(($"linear{i}", nn.Linear(width, hiddenUnits[i])));
            modules.Add(($"relu{i}", nn.ReLU()));
            if (dropout > 0) modules.Add(($"dropout{i}", nn.Dropout(dropout)));
            width = hiddenUnits[i];
        }
        OutputSize = (int)width;
        layers = nn.Sequential(modules);
        register_module("layers", layers);
    }

    public int OutputSize { get; }

    public override Tensor forward(Tensor input) => layers.call(input);
}
