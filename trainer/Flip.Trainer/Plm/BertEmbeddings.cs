using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Flip.Trainer.Plm;

/// <summary>Word + position + token-type embeddings, LayerNorm, dropout (Hugging Face <c>bert.embeddings</c>).</summary>
/// <remarks>forward(inputIds [B, L], tokenTypeIds [B, L] or null for all-zero) → [B, L, H].</remarks>
public sealed class BertEmbeddings : nn.Module<Tensor, Tensor?, Tensor>
{
    [ComponentName(Name = "word_embeddings")]
    readonly Embedding _wordEmbeddings;
    [ComponentName(Name = "position_embeddings")]
    readonly Embedding _positionEmbeddings;
    [ComponentName(Name = "token_type_embeddings")]
    readonly Embedding _tokenTypeEmbeddings;
    [ComponentName(Name = "LayerNorm")]
    readonly LayerNorm _layerNorm;
    [ComponentName(Name = "dropout")]
    readonly Dropout _dropout;

    public BertEmbeddings(BertConfig config) : base(nameof(BertEmbeddings))
    {
        _wordEmbeddings = nn.Embedding(config.VocabSize, config.HiddenSize, padding_idx: config.PadTokenId);
        _positionEmbeddings = nn.Embedding(config.MaxPositionEmbeddings, config.HiddenSize);
        _tokenTypeEmbeddings = nn.Embedding(config.TypeVocabSize, config.HiddenSize);
        _layerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        _dropout = nn.Dropout(config.HiddenDropoutProb);
        RegisterComponents();
    }

    public Parameter WordEmbeddingWeight => _wordEmbeddings.weight!;

    public override Tensor forward(Tensor inputIds, Tensor? tokenTypeIds)
    {
        using var scope = NewDisposeScope();
        var length = inputIds.shape[1];
        var positions = arange(length, dtype: ScalarType.Int64, device: inputIds.device).unsqueeze(0);
        var x = _wordEmbeddings.call(inputIds).Plus(_positionEmbeddings.call(positions));
        x = tokenTypeIds is null
            ? x.Plus(_tokenTypeEmbeddings.weight![0])
            : x.Plus(_tokenTypeEmbeddings.call(tokenTypeIds));
        return _dropout.call(_layerNorm.call(x)).MoveToOuterDisposeScope();
    }
}
