using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Flip.Trainer.Plm;

/// <summary>Container giving the MLM head its Hugging Face name <c>cls.predictions</c>.</summary>
public sealed class BertOnlyMlmHead : Module
{
#pragma warning disable IDE1006
    internal readonly BertLmPredictionHead predictions;
#pragma warning restore IDE1006

    public BertOnlyMlmHead(BertConfig config) : base(nameof(BertOnlyMlmHead))
    {
        predictions = new BertLmPredictionHead(config);
        RegisterComponents();
    }

    public Tensor Forward(Tensor hidden, Tensor wordEmbeddings) => predictions.Forward(hidden, wordEmbeddings);
}
