using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Flip.Trainer.Plm;

/// <summary>
/// BERT encoder + MLM head with parameter names identical to Hugging Face's BertForMaskedLM
/// (<c>bert.embeddings.word_embeddings.weight</c>, ..., <c>cls.predictions.transform.dense.weight</c>).
/// forward(inputIds [B, L], attentionMask [B, L]) → vocabulary logits [B, L, V].
/// </summary>
public sealed class BertForMaskedLM : nn.Module<Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "bert")]
    readonly BertModel _bert;
    [ComponentName(Name = "cls")]
    readonly BertOnlyMlmHead _cls;

    public BertForMaskedLM(BertConfig config) : base(nameof(BertForMaskedLM))
    {
        config.Validate();
        Config = config;
        _bert = new BertModel(config);
        _cls = new BertOnlyMlmHead(config);
        RegisterComponents();
        InitializeWeights();
    }

    public BertConfig Config { get; }
    public BertModel Bert => _bert;

    public override Tensor forward(Tensor inputIds, Tensor attentionMask)
    {
        using var sequence = _bert.call(inputIds, attentionMask);
        return MlmLogits(sequence);
    }

    /// <summary>Vocabulary logits of hidden states [..., H] through the head tied to the word embeddings.</summary>
    public Tensor MlmLogits(Tensor hidden) => _cls.call(hidden, _bert.Embeddings.WordEmbeddingWeight);

    /// <summary>Hugging Face's BertPreTrainedModel init: N(0, initializer_range) weights, zero biases, unit LayerNorm, zero padding row.</summary>
    void InitializeWeights()
    {
        using var noGrad = no_grad();
        foreach (var (name, p) in named_parameters())
        {
            if (name.EndsWith("LayerNorm.weight", StringComparison.Ordinal)) p.fill_(1.0);
            else if (name.EndsWith("bias", StringComparison.Ordinal)) p.zero_();
            else p.normal_(0, Config.InitializerRange);
        }
        _bert.Embeddings.WordEmbeddingWeight[Config.PadTokenId].zero_();
    }
}
