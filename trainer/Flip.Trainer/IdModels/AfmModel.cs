using Flip.Trainer.IdModels.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Flip.Trainer.IdModels;

/// <summary>
/// AFM (Xiao et al. 2017): first-order weights plus an attention-weighted sum of pairwise interactions.
/// v = the attention-pooled interaction vector [D]; logit = first-order + pᵀv.
/// </summary>
public sealed class AfmModel : CtrModel
{
    private readonly FirstOrderLinear linear;
    private readonly AttentionalPooling pooling;
    private readonly Linear output;
    private readonly PairwiseInteractions pairs;

    public AfmModel(int numFeatures, int numFields, IdModelOptions options) : base(nameof(AfmModel), numFeatures, numFields, options)
    {
        if (numFields < 2) throw new ArgumentException("AFM needs at least two fields.", nameof(numFields));
        pairs = new PairwiseInteractions(numFields);
        linear = new FirstOrderLinear(numFeatures);
        pooling = new AttentionalPooling(options.EmbeddingSize, options.Afm.AttentionSize);
        output = nn.Linear(options.EmbeddingSize, 1, hasBias: false);
        register_module("linear", linear);
        register_module("pooling", pooling);
        register_module("output", output);
    }

    public override string ModelName => "afm";
    public override int RepresentationSize => EmbeddingSize;

    protected override CtrOutput ForwardEmbedded(Tensor ids, Tensor embedded)
    {
        using var products = pairs.Products(embedded);
        var v = pooling.call(products);
        using var interaction = output.call(v).squeeze(1);
        using var first = linear.call(ids);
        return new CtrOutput(first + interaction, v);
    }
}
