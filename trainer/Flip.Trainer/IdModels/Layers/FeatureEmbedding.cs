using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Flip.Trainer.IdModels.Layers;

/// <summary>
/// The single embedding table over the global feature id space (all fields share it, as in the paper's code),
/// initialised N(0, std²) with a tiny std so that untrained ids start near zero.
/// </summary>
public sealed class FeatureEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly Embedding table;

    public FeatureEmbedding(long numFeatures, long embeddingSize, double initStd) : base(nameof(FeatureEmbedding))
    {
        NumFeatures = numFeatures;
        EmbeddingSize = embeddingSize;
        table = nn.Embedding(numFeatures, embeddingSize);
        using (no_grad()) nn.init.normal_(table.weight!, 0, initStd);
        register_module("table", table);
    }

    public long NumFeatures { get; }
    public long EmbeddingSize { get; }

    /// <summary>The [NumFeatures, EmbeddingSize] weight.</summary>
    public Parameter Weight => table.weight!;

    /// <summary>ids [...] to embeddings [..., D].</summary>
    public override Tensor forward(Tensor ids) => table.call(ids);
}
