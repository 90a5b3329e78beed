using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Flip.Trainer.Plm;

/// <summary>Word + position + token-type embeddings, LayerNorm, dropout (Hugging Face <c>bert.embeddings</c>).</summary>
public sealed class BertEmbeddings : Module
{
    // Field names are the Hugging Face parameter names; do not rename.
#pragma warning disable IDE1006
    internal readonly Embedding word_embeddings;
    internal readonly Embedding position_embeddings;
    internal readonly Embedding token_type_embeddings;
    internal readonly LayerNorm LayerNorm;
    internal readonly Dropout dropout;
#pragma warning restore IDE1006

    public BertEmbeddings(BertConfig config) : base(nameof(BertEmbeddings))
    {
        word_embeddings = Embedding(config.VocabSize, config.HiddenSize, padding_idx: config.PadTokenId);
        position_embeddings = Embedding(config.MaxPositionEmbeddings, config.HiddenSize);
        token_type_embeddings = Embedding(config.TypeVocabSize, config.HiddenSize);
        LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        dropout = Dropout(config.HiddenDropoutProb);
        RegisterComponents();
    }

    public Parameter WordEmbeddingWeight => word_embeddings.weight!;

    public Tensor Forward(Tensor inputIds, Tensor? tokenTypeIds)
    {
        using var scope = NewDisposeScope();
        var length = inputIds.shape[1];
        var positions = arange(length, dtype: ScalarType.Int64, device: inputIds.device).unsqueeze(0);
        var x = word_embeddings.forward(inputIds) + position_embeddings.forward(positions);
        x = tokenTypeIds is null
            ? x + token_type_embeddings.weight![0]
            : x + token_type_embeddings.forward(tokenTypeIds);
        return dropout.forward(LayerNorm.forward(x)).MoveToOuterDisposeScope();
    }
}
