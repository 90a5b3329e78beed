using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Flip.Trainer.Plm;

/// <summary>dense → dropout → residual → LayerNorm (post-LN): Hugging Face <c>attention.output</c> and <c>output</c>.</summary>
/// <remarks>forward(x [B, L, in], residual [B, L, H]) → [B, L, H].</remarks>
public sealed class BertSublayerOutput : nn.Module<Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "dense")]
    readonly Linear _dense;
    [ComponentName(Name = "LayerNorm")]
    readonly LayerNorm _layerNorm;
    [ComponentName(Name = "dropout")]
    readonly Dropout _dropout;

    public BertSublayerOutput(int inputSize, BertConfig config) : base(nameof(BertSublayerOutput))
    {
        _dense = nn.Linear(inputSize, config.HiddenSize);
        _layerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        _dropout = nn.Dropout(config.HiddenDropoutProb);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor residual)
    {
        using var scope = NewDisposeScope();
        return _layerNorm.call(_dropout.call(_dense.call(x)).Plus(residual)).MoveToOuterDisposeScope();
    }
}
