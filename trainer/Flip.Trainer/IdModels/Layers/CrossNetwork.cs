using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Flip.Trainer.IdModels.Layers;

/// <summary>DCN (v1) cross layers: x_{l+1} = x0 · (x_lᵀ w_l) + b_l + x_l, with a vector w_l per layer.</summary>
public sealed class CrossNetwork : nn.Module<Tensor, Tensor>
{
    private readonly Parameter kernels;
    private readonly Parameter biases;

    public CrossNetwork(long inputSize, int layers) : base(nameof(CrossNetwork))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1);
        kernels = nn.Parameter(empty(layers, inputSize));
        biases = nn.Parameter(zeros(layers, inputSize));
        using (no_grad()) nn.init.xavier_normal_(kernels);
        register_parameter("kernels", kernels);
        register_parameter("biases", biases);
        Layers = layers;
    }

    public int Layers { get; }

    public override Tensor forward(Tensor x0)
    {
        using var scope = NewDisposeScope();
        var xl = x0;
        for (int l = 0; l < Layers; l++)
            xl = x0 * xl.matmul(kernels[l]).unsqueeze(1) + biases[l] + xl;
        return xl.MoveToOuterDisposeScope();
    }
}
