using Flip.Trainer.IdModels.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Flip.Trainer.IdModels;

/// <summary>
/// Base of every ID-based CTR model: feature ids [B, F] in one global id space go through one shared
/// embedding table, then a model-specific interaction part produces the logit and the representation v.
/// Submodules are registered explicitly (no reflection) so parameter names are stable across versions.
/// </summary>
public abstract class CtrModel : nn.Module<Tensor, CtrOutput>
{
    private readonly FeatureEmbedding embedding;

    protected CtrModel(string name, int numFeatures, int numFields, IdModelOptions options) : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numFeatures, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(numFields, 1);
        options.Validate();
        NumFeatures = numFeatures;
        NumFields = numFields;
        EmbeddingSize = options.EmbeddingSize;
        Options = options;
        embedding = new FeatureEmbedding(numFeatures, options.EmbeddingSize, options.EmbeddingInitStd);
        register_module("embedding", embedding);
    }

    /// <summary>Factory name of the model (afm, pnn, ...).</summary>
    public abstract string ModelName { get; }

    /// <summary>Rows of the shared embedding table (vocabulary size including reserved ids).</summary>
    public int NumFeatures { get; }

    /// <summary>Fields per sample (columns of the id matrix).</summary>
    public int NumFields { get; }

    /// <summary>Width of one feature embedding.</summary>
    public int EmbeddingSize { get; }

    /// <summary>Width of the dense representation v the output layer reads.</summary>
    public abstract int RepresentationSize { get; }

    /// <summary>The options the model was built with.</summary>
    public IdModelOptions Options { get; }

    /// <summary>The one embedding table shared by all fields (FLIP's MTM reads its rows as output embeddings).</summary>
    public FeatureEmbedding Embedding => embedding;

    /// <summary>Looks up feature ids [B, F] and returns their embeddings [B, F, D].</summary>
    public Tensor Embed(Tensor ids) => embedding.call(ids);

    /// <summary>Runs the model on feature ids [B, F] (int64).</summary>
    public override CtrOutput forward(Tensor ids)
    {
        if (ids.dim() != 2 || ids.shape[1] != NumFields)
            throw new ArgumentException($"{ModelName} expects feature ids of shape [B, {NumFields}], got [{string.Join(", ", ids.shape)}].", nameof(ids));
        using var embedded = Embed(ids);
        return Forward(ids, embedded);
    }

    /// <summary>Runs the model on already looked-up embeddings [B, F, D] (ids are still given for first-order terms).</summary>
    public CtrOutput Forward(Tensor ids, Tensor embedded) => ForwardEmbedded(ids, embedded);

    /// <summary>Model-specific part: embeddings [B, F, D] (and ids for first-order weights) to logit and v.</summary>
    protected abstract CtrOutput ForwardEmbedded(Tensor ids, Tensor embedded);

    /// <summary>Number of trainable scalars.</summary>
    public long ParameterCount() => parameters().Sum(p => p.numel());

    /// <summary>Flattens [B, F, D] embeddings to [B, F*D].</summary>
    protected static Tensor Flatten(Tensor embedded) => embedded.flatten(1);
}
