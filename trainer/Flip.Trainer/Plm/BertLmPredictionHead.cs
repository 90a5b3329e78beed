using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace Flip.Trainer.Plm;

/// <summary>
/// BERT's MLM head (<c>cls.predictions</c>): transform, then a decoder whose weight is tied to the word embeddings
/// (so it has no parameter of its own) plus a per-token bias.
/// </summary>
public sealed class BertLmPredictionHead : Module
{
#pragma warning disable IDE1006
    internal readonly BertPredictionHeadTransform transform;
    internal readonly Parameter bias;
#pragma warning restore IDE1006

    public BertLmPredictionHead(BertConfig config) : base(nameof(BertLmPredictionHead))
    {
        transform = new BertPredictionHeadTransform(config);
        bias = new Parameter(zeros(config.VocabSize));
        RegisterComponents();
    }

    /// <summary>Vocabulary logits [..., V] for hidden states [..., H].</summary>
    public Tensor Forward(Tensor hidden, Tensor wordEmbeddings)
    {
        using var h = transform.Forward(hidden);
        return F.linear(h, wordEmbeddings, bias);
    }
}
