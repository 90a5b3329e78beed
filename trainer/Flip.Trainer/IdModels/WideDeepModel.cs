using Flip.Trainer.IdModels.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Flip.Trainer.IdModels;

/// <summary>Wide &amp; Deep (Cheng et al. 2016): a first-order wide part plus a DNN over the embeddings. v = the DNN output.</summary>
public sealed class WideDeepModel : CtrModel
{
    private readonly FirstOrderLinear wide;
    private readonly Mlp dnn;
    private readonly Linear output;

    public WideDeepModel(int numFeatures, int numFields, IdModelOptions options) : base(nameof(WideDeepModel), numFeatures, numFields, options)
    {
        wide = new FirstOrderLinear(numFeatures);
        dnn = new Mlp((long)numFields * options.EmbeddingSize, options.HiddenUnits, options.Dropout);
        output = nn.Linear(dnn.OutputSize, 1, hasBias: false);
        register_module("wide", wide);
        register_module("dnn", dnn);
        register_module("output", output);
    }

    public override string ModelName => "widedeep";
    public override int RepresentationSize => dnn.OutputSize;

    protected override CtrOutput ForwardEmbedded(Tensor ids, Tensor embedded)
    {
        using var flat = Flatten(embedded);
        var v = dnn.call(flat);
        using var deep = output.call(v).squeeze(1);
        using var first = wide.call(ids);
        return new CtrOutput(first + deep, v);
    }
}
