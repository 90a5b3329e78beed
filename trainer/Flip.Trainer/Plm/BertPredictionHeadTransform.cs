using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Flip.Trainer.Plm;

/// <summary>dense → activation → LayerNorm before the vocabulary decoder (<c>cls.predictions.transform</c>).</summary>
public sealed class BertPredictionHeadTransform : Module
{
#pragma warning disable IDE1006
    internal readonly Linear dense;
    internal readonly LayerNorm LayerNorm;
#pragma warning restore IDE1006
    readonly string _activation;

    public BertPredictionHeadTransform(BertConfig config) : base(nameof(BertPredictionHeadTransform))
    {
        dense = Linear(config.HiddenSize, config.HiddenSize);
        LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        _activation = config.HiddenAct;
        RegisterComponents();
    }

    public Tensor Forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return LayerNorm.forward(BertActivation.Apply(_activation, dense.forward(x))).MoveToOuterDisposeScope();
    }
}
