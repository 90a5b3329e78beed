using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Flip.Trainer.Plm;

/// <summary>The FFN's expanding dense layer with the configured activation (<c>encoder.layer.N.intermediate</c>).</summary>
public sealed class BertIntermediate : Module
{
#pragma warning disable IDE1006
    internal readonly Linear dense;
#pragma warning restore IDE1006
    readonly string _activation;

    public BertIntermediate(BertConfig config) : base(nameof(BertIntermediate))
    {
        dense = Linear(config.HiddenSize, config.IntermediateSize);
        _activation = config.HiddenAct;
        RegisterComponents();
    }

    public Tensor Forward(Tensor x)
    {
        using var h = dense.forward(x);
        return BertActivation.Apply(_activation, h);
    }
}
