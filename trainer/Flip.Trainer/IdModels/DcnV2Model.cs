using Flip.Trainer.IdModels.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Flip.Trainer.IdModels;

/// <summary>
/// DCNv2 (Wang et al. 2021) as in the FLIP paper's code: a mixture of low-rank cross experts (or full-rank
/// cross layers) in parallel with the DNN. v = [cross output (F·D) ; DNN output] — 8·32 + 128 = 384 on MovieLens-1M.
/// </summary>
public sealed class DcnV2Model : CtrModel
{
    private readonly nn.Module<Tensor, Tensor> cross;
    private readonly Mlp dnn;
    private readonly Linear output;
    private readonly int inputSize;

    public DcnV2Model(int numFeatures, int numFields, IdModelOptions options) : base(nameof(DcnV2Model), numFeatures, numFields, options)
    {
        inputSize = numFields * options.EmbeddingSize;
        var o = options.DcnV2;
        cross = o.FullRank
            ? new FullRankCross(inputSize, o.CrossLayers)
            : new LowRankCrossMixture(inputSize, o.CrossLayers, o.LowRank, o.Experts);
        dnn = new Mlp(inputSize, options.HiddenUnits, options.Dropout);
        output = nn.Linear(RepresentationSize, 1);
        register_module("cross", cross);
        register_module("dnn", dnn);
        register_module("output", output);
    }

    public override string ModelName => "dcnv2";
    public override int RepresentationSize => inputSize + dnn.OutputSize;

    /// <summary>The cross part: a <see cref="LowRankCrossMixture"/> or a <see cref="FullRankCross"/>.</summary>
    public nn.Module<Tensor, Tensor> Cross => cross;

    protected override CtrOutput ForwardEmbedded(Tensor ids, Tensor embedded)
    {
        using var flat = Flatten(embedded);
        using var crossed = cross.call(flat);
        using var deep = dnn.call(flat);
        var v = cat([crossed, deep], 1);
        return new CtrOutput(output.call(v).squeeze(1), v);
    }
}
