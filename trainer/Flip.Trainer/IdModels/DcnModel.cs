using Flip.Trainer.IdModels.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Flip.Trainer.IdModels;

/// <summary>DCN (Wang et al. 2017): vector cross layers in parallel with the DNN. v = [cross output ; DNN output].</summary>
public sealed class DcnModel : CtrModel
{
    private readonly CrossNetwork cross;
    private readonly Mlp dnn;
    private readonly Linear output;
    private readonly int inputSize;

    public DcnModel(int numFeatures, int numFields, IdModelOptions options) : base(nameof(DcnModel), numFeatures, numFields, options)
    {
        inputSize = numFields * options.EmbeddingSize;
        cross = new CrossNetwork(inputSize, options.Dcn.CrossLayers);
        dnn = new Mlp(inputSize, options.HiddenUnits, options.Dropout);
        output = nn.Linear(RepresentationSize, 1);
        register_module("cross", cross);
        register_module("dnn", dnn);
        register_module("output", output);
    }

    public override string ModelName => "dcn";
    public override int RepresentationSize => inputSize + dnn.OutputSize;

    protected override CtrOutput ForwardEmbedded(Tensor ids, Tensor embedded)
    {
        using var flat = Flatten(embedded);
        using var crossed = cross.call(flat);
        using var deep = dnn.call(flat);
        var v = cat([crossed, deep], 1);
        return new CtrOutput(output.call(v).squeeze(1), v);
    }
}
