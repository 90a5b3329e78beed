using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Flip.Trainer.Plm;

/// <summary>
/// BERT's MLM head (<c>cls.predictions</c>): transform, then a decoder whose weight is tied to the word embeddings
/// (so it has no parameter of its own) plus a per-token bias. forward(hidden [..., H], word embeddings [V, H]) → [..., V].
/// </summary>
public sealed class BertLmPredictionHead : nn.Module<Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "transform")]
    readonly BertPredictionHeadTransform _transform;
    [ComponentName(Name = "bias")]
    readonly Parameter _bias;

    public BertLmPredictionHead(BertConfig config) : base(nameof(BertLmPredictionHead))
    {
        _transform = new BertPredictionHeadTransform(config);
        _bias = new Parameter(zeros(config.VocabSize));
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden, Tensor wordEmbeddings)
    {
        using var h = _transform.call(hidden);
        return F.linear(h, wordEmbeddings, _bias);
    }
}
