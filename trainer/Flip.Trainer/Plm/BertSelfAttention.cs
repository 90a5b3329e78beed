using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace Flip.Trainer.Plm;

/// <summary>Multi-head self-attention with the fused scaled_dot_product_attention kernel (<c>attention.self</c>).</summary>
public sealed class BertSelfAttention : Module
{
#pragma warning disable IDE1006
    internal readonly Linear query;
    internal readonly Linear key;
    internal readonly Linear value;
#pragma warning restore IDE1006
    readonly int _heads;
    readonly int _headSize;
    readonly double _dropout;

    public BertSelfAttention(BertConfig config) : base(nameof(BertSelfAttention))
    {
        query = Linear(config.HiddenSize, config.HiddenSize);
        key = Linear(config.HiddenSize, config.HiddenSize);
        value = Linear(config.HiddenSize, config.HiddenSize);
        _heads = config.NumAttentionHeads;
        _headSize = config.HeadSize;
        _dropout = config.AttentionProbsDropoutProb;
        RegisterComponents();
    }

    /// <param name="hidden">[B, L, H]</param>
    /// <param name="keyMask">[B, 1, 1, L] boolean, true where the key is a real token.</param>
    public Tensor Forward(Tensor hidden, Tensor keyMask)
    {
        using var scope = NewDisposeScope();
        var (b, l) = (hidden.shape[0], hidden.shape[1]);
        Tensor Heads(Linear projection) => projection.forward(hidden).view(b, l, _heads, _headSize).transpose(1, 2);
        var context = F.scaled_dot_product_attention(Heads(query), Heads(key), Heads(value), keyMask, training ? _dropout : 0.0);
        return context.transpose(1, 2).reshape(b, l, _heads * _headSize).MoveToOuterDisposeScope();
    }
}
