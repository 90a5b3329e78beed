using Flip.Trainer.IdModels.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Flip.Trainer.IdModels;

/// <summary>
/// AutoInt+ (Song et al. 2019): stacked multi-head self-attention over field embeddings, in parallel with the DNN
/// (unless <see cref="AutoIntOptions.WithDnn"/> is off). v = [flattened attention output (F·D) ; DNN output].
/// </summary>
public sealed class AutoIntModel : CtrModel
{
    private readonly ModuleList<InteractingLayer> attention;
    private readonly Mlp? dnn;
    private readonly Linear output;
    private readonly int attentionSize;

    public AutoIntModel(int numFeatures, int numFields, IdModelOptions options) : base(nameof(AutoIntModel), numFeatures, numFields, options)
    {
        var o = options.AutoInt;
        ArgumentOutOfRangeException.ThrowIfLessThan(o.AttentionLayers, 1);
        attention = nn.ModuleList(Enumerable.Range(0, o.AttentionLayers)
            .Select(_ => new InteractingLayer(options.EmbeddingSize, o.Heads, o.Residual)).ToArray());
        attentionSize = numFields * options.EmbeddingSize;
        register_module("attention", attention);
        if (o.WithDnn)
        {
            dnn = new Mlp(attentionSize, options.HiddenUnits, options.Dropout);
            register_module("dnn", dnn);
        }
        output = nn.Linear(RepresentationSize, 1);
        register_module("output", output);
    }

    public override string ModelName => "autoint";
    public override int RepresentationSize => attentionSize + (dnn?.OutputSize ?? 0);

    protected override CtrOutput ForwardEmbedded(Tensor ids, Tensor embedded)
    {
        using var scope = NewDisposeScope();
        var x = embedded;
        foreach (var layer in attention) x = layer.call(x);
        var v = dnn is null ? x.flatten(1) : cat([x.flatten(1), dnn.call(Flatten(embedded))], 1);
        var logit = output.call(v).squeeze(1);
        return new CtrOutput(logit.MoveToOuterDisposeScope(), v.MoveToOuterDisposeScope());
    }
}
