using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Flip.Trainer.Plm;

/// <summary>dense → dropout → residual → LayerNorm (post-LN): Hugging Face <c>attention.output</c> and <c>output</c>.</summary>
public sealed class BertSublayerOutput : Module
{
#pragma warning disable IDE1006
    internal readonly Linear dense;
    internal readonly LayerNorm LayerNorm;
    internal readonly Dropout dropout;
#pragma warning restore IDE1006

    public BertSublayerOutput(int inputSize, BertConfig config) : base(nameof(BertSublayerOutput))
    {
        dense = Linear(inputSize, config.HiddenSize);
        LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        dropout = Dropout(config.HiddenDropoutProb);
        RegisterComponents();
    }

    public Tensor Forward(Tensor x, Tensor residual)
    {
        using var scope = NewDisposeScope();
        return LayerNorm.forward(dropout.forward(dense.forward(x)) + residual).MoveToOuterDisposeScope();
    }
}
