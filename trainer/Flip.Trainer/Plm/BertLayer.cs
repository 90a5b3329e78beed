using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Flip.Trainer.Plm;

/// <summary>One post-LN transformer block (Hugging Face <c>encoder.layer.N</c>); forward(hidden, keyMask) → hidden.</summary>
public sealed class BertLayer : nn.Module<Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "attention")]
    readonly BertAttention _attention;
    [ComponentName(Name = "intermediate")]
    readonly BertIntermediate _intermediate;
    [ComponentName(Name = "output")]
    readonly BertSublayerOutput _output;

    public BertLayer(BertConfig config) : base(nameof(BertLayer))
    {
        _attention = new BertAttention(config);
        _intermediate = new BertIntermediate(config);
        _output = new BertSublayerOutput(config.IntermediateSize, config);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden, Tensor keyMask)
    {
        using var scope = NewDisposeScope();
        var attended = _attention.call(hidden, keyMask);
        return _output.call(_intermediate.call(attended), attended).MoveToOuterDisposeScope();
    }
}
