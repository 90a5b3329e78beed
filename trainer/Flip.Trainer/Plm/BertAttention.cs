using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Flip.Trainer.Plm;

/// <summary>Self-attention plus its output sublayer (Hugging Face <c>encoder.layer.N.attention</c>).</summary>
public sealed class BertAttention : Module
{
#pragma warning disable IDE1006
    internal readonly BertSelfAttention self;
    internal readonly BertSublayerOutput output;
#pragma warning restore IDE1006

    public BertAttention(BertConfig config) : base(nameof(BertAttention))
    {
        self = new BertSelfAttention(config);
        output = new BertSublayerOutput(config.HiddenSize, config);
        RegisterComponents();
    }

    public Tensor Forward(Tensor hidden, Tensor keyMask)
    {
        using var context = self.Forward(hidden, keyMask);
        return output.Forward(context, hidden);
    }
}
