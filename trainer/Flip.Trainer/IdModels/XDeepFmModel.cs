using Flip.Trainer.IdModels.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Flip.Trainer.IdModels;

/// <summary>xDeepFM (Lian et al. 2018): first-order + CIN + DNN. v = [CIN pooled maps ; DNN output].</summary>
public sealed class XDeepFmModel : CtrModel
{
    private readonly FirstOrderLinear linear;
    private readonly CompressedInteraction cin;
    private readonly Mlp dnn;
    private readonly Linear output;

    public XDeepFmModel(int numFeatures, int numFields, IdModelOptions options) : base(nameof(XDeepFmModel), numFeatures, numFields, options)
    {
        linear = new FirstOrderLinear(numFeatures);
        cin = new CompressedInteraction(numFields, options.XDeepFm.CinLayerSizes, options.XDeepFm.SplitHalf);
        dnn = new Mlp((long)numFields * options.EmbeddingSize, options.HiddenUnits, options.Dropout);
        output = nn.Linear(RepresentationSize, 1, hasBias: false);
        register_module("linear", linear);
        register_module("cin", cin);
        register_module("dnn", dnn);
        register_module("output", output);
    }

    public override string ModelName => "xdeepfm";
    public override int RepresentationSize => cin.OutputSize + dnn.OutputSize;

    protected override CtrOutput ForwardEmbedded(Tensor ids, Tensor embedded)
    {
        using var scope = NewDisposeScope();
        var v = cat([cin.call(embedded), dnn.call(Flatten(embedded))], 1);
        var logit = linear.call(ids) + output.call(v).squeeze(1);
        return new CtrOutput(logit.MoveToOuterDisposeScope(), v.MoveToOuterDisposeScope());
    }
}
