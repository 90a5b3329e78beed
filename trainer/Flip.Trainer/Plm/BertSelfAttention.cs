using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Flip.Trainer.Plm;

/// <summary>Multi-head self-attention with the fused scaled_dot_product_attention kernel (<c>attention.self</c>).</summary>
/// <remarks>forward(hidden [B, L, H], keyMask [B, 1, 1, L] boolean, true where the key is a real token) → [B, L, H].</remarks>
public sealed class BertSelfAttention : nn.Module<Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "query")]
    readonly Linear _query;
    [ComponentName(Name = "key")]
    readonly Linear _key;
    [ComponentName(Name = "value")]
    readonly Linear _value;
    readonly int _heads;
    readonly int _headSize;
    readonly double _dropout;

    public BertSelfAttention(BertConfig config) : base(nameof(BertSelfAttention))
    {
        _query = nn.Linear(config.HiddenSize, config.HiddenSize);
        _key = nn.Linear(config.HiddenSize, config.HiddenSize);
        _value = nn.Linear(config.HiddenSize, config.HiddenSize);
        _heads = config.NumAttentionHeads;
        _headSize = config.HeadSize;
        _dropout = config.AttentionProbsDropoutProb;
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden, Tensor keyMask)
    {
        using var scope = NewDisposeScope();
        var (b, l) = (hidden.shape[0], hidden.shape[1]);
        Tensor Heads(Linear projection) => projection.call(hidden).view(b, l, _heads, _headSize).transpose(1, 2);
        var context = F.scaled_dot_product_attention(Heads(_query), Heads(_key), Heads(_value), keyMask, training ? _dropout : 0.0);
        return context.transpose(1, 2).reshape(b, l, _heads * _headSize).MoveToOuterDisposeScope();
    }
}
