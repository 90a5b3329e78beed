using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Flip.Trainer.Plm;

/// <summary>One post-LN transformer block (Hugging Face <c>encoder.layer.N</c>).</summary>
public sealed class BertLayer : Module
{
#pragma warning disable IDE1006
    internal readonly BertAttention attention;
    internal readonly BertIntermediate intermediate;
    internal readonly BertSublayerOutput output;
#pragma warning restore IDE1006

    public BertLayer(BertConfig config) : base(nameof(BertLayer))
    {
        attention = new BertAttention(config);
        intermediate = new BertIntermediate(config);
        output = new BertSublayerOutput(config.IntermediateSize, config);
        RegisterComponents();
    }

    public Tensor Forward(Tensor hidden, Tensor keyMask)
    {
        using var scope = NewDisposeScope();
        var attended = attention.Forward(hidden, keyMask);
        return output.Forward(intermediate.Forward(attended), attended).MoveToOuterDisposeScope();
    }
}
