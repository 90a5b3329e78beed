using Flip.Trainer.IdModels.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Flip.Trainer.IdModels;

/// <summary>AFN (Cheng et al. 2020): logarithmic neurons learn adaptive-order interactions, then the DNN. v = the DNN output.</summary>
public sealed class AfnModel : CtrModel
{
    private readonly LogarithmicTransform logarithmic;
    private readonly Mlp dnn;
    private readonly Linear output;

    public AfnModel(int numFeatures, int numFields, IdModelOptions options) : base(nameof(AfnModel), numFeatures, numFields, options)
    {
        logarithmic = new LogarithmicTransform(numFields, options.EmbeddingSize, options.Afn.LogarithmicNeurons);
        dnn = new Mlp(logarithmic.OutputSize, options.HiddenUnits, options.Dropout);
        output = nn.Linear(dnn.OutputSize, 1);
        register_module("logarithmic", logarithmic);
        register_module("dnn", dnn);
        register_module("output", output);
    }

    public override string ModelName => "afn";
    public override int RepresentationSize => dnn.OutputSize;

    protected override CtrOutput ForwardEmbedded(Tensor ids, Tensor embedded)
    {
        using var interactions = logarithmic.call(embedded);
        var v = dnn.call(interactions);
        return new CtrOutput(output.call(v).squeeze(1), v);
    }
}
