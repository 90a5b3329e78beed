using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Flip.Trainer.Plm;

/// <summary>
/// BERT encoder + MLM head with parameter names identical to Hugging Face's BertForMaskedLM
/// (<c>bert.embeddings.word_embeddings.weight</c>, ..., <c>cls.predictions.transform.dense.weight</c>).
/// </summary>
public sealed class BertForMaskedLM : Module
{
#pragma warning disable IDE1006
    internal readonly BertModel bert;
    internal readonly BertOnlyMlmHead cls;
#pragma warning restore IDE1006

    public BertForMaskedLM(BertConfig config) : base(nameof(BertForMaskedLM))
    {
        config.Validate();
        Config = config;
        bert = new BertModel(config);
        cls = new BertOnlyMlmHead(config);
        RegisterComponents();
        InitializeWeights();
    }

    public BertConfig Config { get; }
    public BertModel Bert => bert;

    /// <summary>Vocabulary logits [B, L, V].</summary>
    public Tensor Forward(Tensor inputIds, Tensor attentionMask, Tensor? tokenTypeIds = null)
    {
        using var sequence = bert.Forward(inputIds, attentionMask, tokenTypeIds);
        return cls.Forward(sequence, bert.Embeddings.WordEmbeddingWeight);
    }

    public Tensor MlmLogits(Tensor hidden) => cls.Forward(hidden, bert.Embeddings.WordEmbeddingWeight);

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
        bert.Embeddings.WordEmbeddingWeight[Config.PadTokenId].zero_();
    }
}
