using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Flip.Trainer.Alignment;

/// <summary>
/// FLIP's MTM head: q = LayerNorm(Linear(v̂)) attends over the unmasked text's token states (padding excluded) to
/// give u; per-field heads map [v̂ ; u] to a field representation that is scored against output embeddings of
/// candidate features (dot product + per-feature bias), for NCE.
/// </summary>
public sealed class MtmReconstructionHead : Module
{
#pragma warning disable IDE1006
    internal readonly Linear query;
    internal readonly LayerNorm query_norm;
    internal readonly Parameter field_weight;
    internal readonly Parameter field_bias;
    internal readonly Embedding output_embeddings;
    internal readonly Parameter output_bias;
#pragma warning restore IDE1006
    readonly double _scale;

    /// <param name="textSize">Dt; 0 when the tabular side reconstructs from itself only (ablation).</param>
    public MtmReconstructionHead(int rowSize, int textSize, int fieldCount, int featureVocabularySize, int embeddingSize) : base(nameof(MtmReconstructionHead))
    {
        var attentionSize = Math.Max(textSize, 1);
        query = Linear(rowSize, attentionSize);
        query_norm = LayerNorm(attentionSize);
        var inputSize = rowSize + textSize;
        var bound = 1.0 / Math.Sqrt(inputSize);
        field_weight = new Parameter(empty(fieldCount, inputSize, embeddingSize).uniform_(-bound, bound));
        field_bias = new Parameter(zeros(fieldCount, embeddingSize));
        output_embeddings = Embedding(featureVocabularySize, embeddingSize);
        using (no_grad()) output_embeddings.weight!.normal_(0, 1.0 / Math.Sqrt(embeddingSize));
        output_bias = new Parameter(zeros(featureVocabularySize));
        _scale = 1.0 / Math.Sqrt(attentionSize);
        TextSize = textSize;
        RegisterComponents();
    }

    public int TextSize { get; }

    /// <summary>u [B, Dt]: the masked row's query attending over token states [B, L, Dt] where <paramref name="textMask"/> [B, L] is nonzero.</summary>
    public Tensor AttendToText(Tensor maskedRow, Tensor textStates, Tensor textMask)
    {
        using var scope = NewDisposeScope();
        var q = query_norm.forward(query.forward(maskedRow));                       // [B, Dt]
        var scores = einsum("bd,bld->bl", q, textStates) * _scale;                  // [B, L]
        scores = scores.masked_fill(textMask.eq(0), double.NegativeInfinity);
        var weights = scores.softmax(1);
        return einsum("bl,bld->bd", weights, textStates).MoveToOuterDisposeScope();
    }

    /// <summary>Per-field representations [B, F, De] of [v̂ ; u] (u null without joint reconstruction).</summary>
    public Tensor FieldRepresentations(Tensor maskedRow, Tensor? attendedText)
    {
        using var scope = NewDisposeScope();
        var input = attendedText is null ? maskedRow : cat([maskedRow, attendedText], 1);
        return (einsum("bi,fie->bfe", input, field_weight) + field_bias).MoveToOuterDisposeScope();
    }

    /// <summary>Scores [B, F, C] of candidate feature ids [B, F, C] against the field representations [B, F, De].</summary>
    public Tensor Score(Tensor fieldRepresentations, Tensor candidates)
    {
        using var scope = NewDisposeScope();
        var embedded = output_embeddings.forward(candidates);                      // [B, F, C, De]
        var scores = einsum("bfe,bfce->bfc", fieldRepresentations, embedded);
        return (scores + output_bias.index_select(0, candidates.flatten()).view_as(candidates)).MoveToOuterDisposeScope();
    }
}
