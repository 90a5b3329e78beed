using Flip.Trainer.IdModels.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Flip.Trainer.IdModels;

/// <summary>
/// PNN with inner products (IPNN, Qu et al. 2016): the DNN reads the flattened embeddings and every pairwise inner product.
/// v = the DNN output.
/// </summary>
public sealed class PnnModel : CtrModel
{
    private readonly Mlp dnn;
    private readonly Linear output;
    private readonly PairwiseInteractions pairs;

    public PnnModel(int numFeatures, int numFields, IdModelOptions options) : base(nameof(PnnModel), numFeatures, numFields, options)
    {
        pairs = new PairwiseInteractions(numFields);
        dnn = new Mlp((long)numFields * options.EmbeddingSize + pairs.Count, options.HiddenUnits, options.Dropout);
        output = nn.Linear(dnn.OutputSize, 1);
        register_module("dnn", dnn);
        register_module("output", output);
    }

    public override string ModelName => "pnn";
    public override int RepresentationSize => dnn.OutputSize;

    protected override CtrOutput ForwardEmbedded(Tensor ids, Tensor embedded)
    {
        using var products = pairs.InnerProducts(embedded);
        using var flat = Flatten(embedded);
        using var input = cat([flat, products], 1);
        var v = dnn.call(input);
        return new CtrOutput(output.call(v).squeeze(1), v);
    }
}
