using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Flip.Trainer.IdModels.Layers;

/// <summary>Logistic-regression part (one weight per feature id plus a bias): ids [B, F] to [B].</summary>
public sealed class FirstOrderLinear : nn.Module<Tensor, Tensor>
{
    private readonly Embedding weights;
    private readonly Parameter bias;

    public FirstOrderLinear(long numFeatures) : base(nameof(FirstOrderLinear))
    {
        weights = nn.Embedding(numFeatures, 1);
        using (no_grad()) weights.weight!.zero_();
        bias = nn.Parameter(zeros(1));
        register_module("weights", weights);
        register_parameter("bias", bias);
    }

    public override Tensor forward(Tensor ids)
    {
        using var w = weights.call(ids);
        return w.sum([1, 2]) + bias;
    }
}
