using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Flip.Trainer.Plm;

/// <summary>The BERT encoder (Hugging Face <c>BertModel</c>, parameters under <c>bert.</c> in BertForMaskedLM).</summary>
public sealed class BertModel : Module
{
#pragma warning disable IDE1006
    internal readonly BertEmbeddings embeddings;
    internal readonly BertEncoder encoder;
    internal readonly BertPooler pooler;
#pragma warning restore IDE1006

    public BertModel(BertConfig config) : base(nameof(BertModel))
    {
        Config = config;
        embeddings = new BertEmbeddings(config);
        encoder = new BertEncoder(config);
        pooler = new BertPooler(config);
        RegisterComponents();
    }

    public BertConfig Config { get; }
    public BertEmbeddings Embeddings => embeddings;

    /// <summary>Last hidden states [B, L, H]; padding positions (mask 0) are excluded as attention keys.</summary>
    /// <param name="inputIds">[B, L] token ids.</param>
    /// <param name="attentionMask">[B, L], nonzero for real tokens.</param>
    /// <param name="tokenTypeIds">[B, L] segment ids, or null for all-zero.</param>
    public Tensor Forward(Tensor inputIds, Tensor attentionMask, Tensor? tokenTypeIds = null)
    {
        using var scope = NewDisposeScope();
        var keyMask = attentionMask.ne(0).view(attentionMask.shape[0], 1, 1, attentionMask.shape[1]);
        var hidden = embeddings.Forward(inputIds, tokenTypeIds);
        return encoder.Forward(hidden, keyMask).MoveToOuterDisposeScope();
    }

    /// <summary>The pooled [CLS] representation tanh(W h_cls + b) [B, H].</summary>
    public Tensor Pool(Tensor sequence) => pooler.Forward(sequence);
}
