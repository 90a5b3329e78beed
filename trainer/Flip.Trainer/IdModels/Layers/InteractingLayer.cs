using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Flip.Trainer.IdModels.Layers;

/// <summary>AutoInt's interacting layer: multi-head self-attention over fields, optional residual projection, ReLU. [B, F, D] to [B, F, D].</summary>
public sealed class InteractingLayer : nn.Module<Tensor, Tensor>
{
    private readonly Linear query;
    private readonly Linear key;
    private readonly Linear value;
    private readonly Linear? residual;
    private readonly int heads;

    public InteractingLayer(int embeddingSize, int heads, bool useResidual) : base(nameof(InteractingLayer))
    {
        if (heads < 1 || embeddingSize % heads != 0)
            throw new ArgumentException($"Heads ({heads}) must divide the embedding size ({embeddingSize}).", nameof(heads));
        this.heads = heads;
        query = nn.Linear(embeddingSize, embeddingSize, hasBias: false);
        key = nn.Linear(embeddingSize, embeddingSize, hasBias: false);
        value = nn.Linear(embeddingSize, embeddingSize, hasBias: false);
        register_module("query", query);
        register_module("key", key);
        register_module("value", value);
        if (useResidual)
        {
            residual = nn.Linear(embeddingSize, embeddingSize, hasBias: false);
            register_module("residual", residual);
        }
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], f = x.shape[1], d = x.shape[2];
        Tensor Split(Tensor t) => t.view(b, f, heads, d / heads).transpose(1, 2); // [B, H, F, d/H]
        var attended = nn.functional.scaled_dot_product_attention(Split(query.call(x)), Split(key.call(x)), Split(value.call(x)));
        var merged = attended.transpose(1, 2).reshape(b, f, d);
        if (residual is not null) merged = merged + residual.call(x);
        return nn.functional.relu(merged).MoveToOuterDisposeScope();
    }
}
