using Flip.Trainer.IdModels.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Flip.Trainer.IdModels;

/// <summary>
/// DeepFM (Guo et al. 2017): first-order + FM second-order + DNN over shared embeddings.
/// v = [FM interaction vector ½((Σe)² − Σe²) (D) ; DNN output]; logit = first-order + Σ(FM vector) + wᵀ(DNN output).
/// </summary>
public sealed class DeepFmModel : CtrModel
{
    private readonly FirstOrderLinear linear;
    private readonly Mlp dnn;
    private readonly Linear output;

    public DeepFmModel(int numFeatures, int numFields, IdModelOptions options) : base(nameof(DeepFmModel), numFeatures, numFields, options)
    {
        linear = new FirstOrderLinear(numFeatures);
        dnn = new Mlp((long)numFields * options.EmbeddingSize, options.HiddenUnits, options.Dropout);
        output = nn.Linear(dnn.OutputSize, 1, hasBias: false);
        register_module("linear", linear);
        register_module("dnn", dnn);
        register_module("output", output);
    }

    public override string ModelName => "deepfm";
    public override int RepresentationSize => EmbeddingSize + dnn.OutputSize;

    protected override CtrOutput ForwardEmbedded(Tensor ids, Tensor embedded)
    {
        using var scope = NewDisposeScope();
        var fm = 0.5 * (embedded.sum(1).square() - embedded.square().sum(1)); // [B, D]
        var deep = dnn.call(Flatten(embedded));
        var logit = linear.call(ids) + fm.sum(1) + output.call(deep).squeeze(1);
        var v = cat([fm, deep], 1);
        return new CtrOutput(logit.MoveToOuterDisposeScope(), v.MoveToOuterDisposeScope());
    }
}
