using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Flip.Trainer.Plm;

/// <summary>The stack of transformer blocks (Hugging Face <c>encoder.layer</c>).</summary>
public sealed class BertEncoder : Module
{
#pragma warning disable IDE1006
    internal readonly ModuleList<BertLayer> layer;
#pragma warning restore IDE1006

    public BertEncoder(BertConfig config) : base(nameof(BertEncoder))
    {
        layer = ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new BertLayer(config)).ToArray());
        RegisterComponents();
    }

    public Tensor Forward(Tensor hidden, Tensor keyMask)
    {
        using var scope = NewDisposeScope();
        var x = hidden;
        foreach (var block in layer) x = block.Forward(x, keyMask);
        return x.MoveToOuterDisposeScope();
    }
}
