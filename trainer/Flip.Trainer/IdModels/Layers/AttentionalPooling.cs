using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Flip.Trainer.IdModels.Layers;

/// <summary>AFM's attention over pairwise interactions: [B, P, D] to the attention-weighted sum [B, D].</summary>
public sealed class AttentionalPooling : nn.Module<Tensor, Tensor>
{
    private readonly Linear attention;
    private readonly Linear projection;

    public AttentionalPooling(int embeddingSize, int attentionSize) : base(nameof(AttentionalPooling))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attentionSize, 1);
        attention = nn.Linear(embeddingSize, attentionSize);
        projection = nn.Linear(attentionSize, 1, hasBias: false);
        register_module("attention", attention);
        register_module("projection", projection);
    }

    public override Tensor forward(Tensor pairs)
    {
        using var scope = NewDisposeScope();
        var scores = projection.call(nn.functional.relu(attention.call(pairs))).softmax(1); // [B, P, 1]
        return (scores * pairs).sum(1).MoveToOuterDisposeScope();
    }
}
