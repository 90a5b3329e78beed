using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Flip.Trainer.Plm;

/// <summary>The FFN's expanding dense layer with the configured activation (<c>encoder.layer.N.intermediate</c>).</summary>
public sealed class BertIntermediate : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "dense")]
    readonly Linear _dense;
    readonly string _activation;

    public BertIntermediate(BertConfig config) : base(nameof(BertIntermediate))
    {
        _dense = nn.Linear(config.HiddenSize, config.IntermediateSize);
        _activation = config.HiddenAct;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var h = _dense.call(x);
        return BertActivation.Apply(_activation, h);
    }
}
