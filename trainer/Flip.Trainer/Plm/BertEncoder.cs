using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Flip.Trainer.Plm;

/// <summary>The stack of transformer blocks (Hugging Face <c>encoder.layer</c>); forward(hidden, keyMask) → hidden.</summary>
public sealed class BertEncoder : nn.Module<Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "layer")]
    readonly ModuleList<BertLayer> _layers;

    public BertEncoder(BertConfig config) : base(nameof(BertEncoder))
    {
        _layers = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new BertLayer(config)).ToArray());
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden, Tensor keyMask)
    {
        using var scope = NewDisposeScope();
        var x = hidden;
        foreach (var block in _layers) x = block.call(x, keyMask);
        return x.MoveToOuterDisposeScope();
    }
}
