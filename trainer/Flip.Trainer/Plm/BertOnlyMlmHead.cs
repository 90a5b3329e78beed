using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Flip.Trainer.Plm;

/// <summary>Container giving the MLM head its Hugging Face name <c>cls.predictions</c>.</summary>
/// <remarks>forward(hidden [..., H], tied word embeddings [V, H]) → logits [..., V].</remarks>
public sealed class BertOnlyMlmHead : nn.Module<Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "predictions")]
    readonly BertLmPredictionHead _predictions;

    public BertOnlyMlmHead(BertConfig config) : base(nameof(BertOnlyMlmHead))
    {
        _predictions = new BertLmPredictionHead(config);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden, Tensor wordEmbeddings) => _predictions.call(hidden, wordEmbeddings);
}
