using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Flip.Trainer.Plm;

/// <summary>The BERT encoder (Hugging Face <c>BertModel</c>, parameters under <c>bert.</c> in BertForMaskedLM).</summary>
/// <remarks>
/// forward(inputIds [B, L], attentionMask [B, L] nonzero for real tokens) → last hidden states [B, L, H]; padding
/// positions are excluded as attention keys and the token types are all zero (FLIP's texts are one segment).
/// </remarks>
public sealed class BertModel : nn.Module<Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "embeddings")]
    readonly BertEmbeddings _embeddings;
    [ComponentName(Name = "encoder")]
    readonly BertEncoder _encoder;
    [ComponentName(Name = "pooler")]
    readonly BertPooler _pooler;

    public BertModel(BertConfig config) : base(nameof(BertModel))
    {
        Config = config;
        _embeddings = new BertEmbeddings(config);
        _encoder = new BertEncoder(config);
        _pooler = new BertPooler(config);
        RegisterComponents();
    }

    public BertConfig Config { get; }
    public BertEmbeddings Embeddings => _embeddings;
    /// <summary>tanh(W h_cls + b) [B, H] of a forward's output.</summary>
    public BertPooler Pooler => _pooler;

    public override Tensor forward(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        // A cast, not ne(0): the implicit Scalar of ne(0) is a finalizable temporary that the GC may free while the
        // native call still reads it ("Unknown scalar type" in a long online run with pretraining); the mask is 0/1.
        var keyMask = attentionMask.to(ScalarType.Bool).view(attentionMask.shape[0], 1, 1, attentionMask.shape[1]);
        var hidden = _embeddings.call(inputIds, null);
        return _encoder.call(hidden, keyMask).MoveToOuterDisposeScope();
    }
}
