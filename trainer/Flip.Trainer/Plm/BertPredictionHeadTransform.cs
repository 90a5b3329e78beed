using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Flip.Trainer.Plm;

/// <summary>dense → activation → LayerNorm before the vocabulary decoder (<c>cls.predictions.transform</c>).</summary>
public sealed class BertPredictionHeadTransform : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "dense")]
    readonly Linear _dense;
    [ComponentName(Name = "LayerNorm")]
    readonly LayerNorm _layerNorm;
    readonly string _activation;

    public BertPredictionHeadTransform(BertConfig config) : base(nameof(BertPredictionHeadTransform))
    {
        _dense = nn.Linear(config.HiddenSize, config.HiddenSize);
        _layerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        _activation = config.HiddenAct;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return _layerNorm.call(BertActivation.Apply(_activation, _dense.call(x))).MoveToOuterDisposeScope();
    }
}
