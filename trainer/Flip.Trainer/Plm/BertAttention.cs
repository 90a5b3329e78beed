using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Flip.Trainer.Plm;

/// <summary>Self-attention plus its output sublayer (Hugging Face <c>encoder.layer.N.attention</c>).</summary>
/// <remarks>forward(hidden [B, L, H], keyMask [B, 1, 1, L]) → [B, L, H].</remarks>
public sealed class BertAttention : nn.Module<Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "self")]
    readonly BertSelfAttention _self;
    [ComponentName(Name = "output")]
    readonly BertSublayerOutput _output;

    public BertAttention(BertConfig config) : base(nameof(BertAttention))
    {
        _self = new BertSelfAttention(config);
        _output = new BertSublayerOutput(config.HiddenSize, config);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden, Tensor keyMask)
    {
        using var context = _self.call(hidden, keyMask);
        return _output.call(context, hidden);
    }
}
