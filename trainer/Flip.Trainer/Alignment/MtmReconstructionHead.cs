using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Flip.Trainer.Alignment;

/// <summary>
/// FLIP's MTM head: q = LayerNorm(Linear(v̂)) attends over the unmasked text's token states (padding excluded) to
/// give u; per-field heads map [v̂ ; u] to a field representation that is scored against output embeddings of
/// candidate features (dot product + per-feature bias), for NCE.
/// forward(masked row v̂ [B, Dv], text states [B, L, Dt] and their mask [B, L], both null without joint
/// reconstruction) → field representations [B, F, De]; <see cref="Score"/> scores candidates against them.
/// </summary>
public sealed class MtmReconstructionHead : nn.Module<Tensor, Tensor?, Tensor?, Tensor>
{
    [ComponentName(Name = "query")]
    readonly Linear _query;
    [ComponentName(Name = "query_norm")]
    readonly LayerNorm _queryNorm;
    [ComponentName(Name = "field_weight")]
    readonly Parameter _fieldWeight;
    [ComponentName(Name = "field_bias")]
    readonly Parameter _fieldBias;
    [ComponentName(Name = "output_embeddings")]
    readonly Embedding _outputEmbeddings;
    [ComponentName(Name = "output_bias")]
    readonly Parameter _outputBias;
    readonly double _scale;

    /// <param name="textSize">Dt; 0 when the tabular side reconstructs from itself only (ablation).</param>
    public MtmReconstructionHead(int rowSize, int textSize, int fieldCount, int featureVocabularySize, int embeddingSize) : base(nameof(MtmReconstructionHead))
    {
        var attentionSize = Math.Max(textSize, 1);
        _query = nn.Linear(rowSize, attentionSize);
        _queryNorm = nn.LayerNorm(attentionSize);
        var inputSize = rowSize + textSize;
        var bound = 1.0 / Math.Sqrt(inputSize);
        _fieldWeight = new Parameter(empty(fieldCount, inputSize, embeddingSize).uniform_(-bound, bound));
        _fieldBias = new Parameter(zeros(fieldCount, embeddingSize));
        _outputEmbeddings = nn.Embedding(featureVocabularySize, embeddingSize);
        using (no_grad()) _outputEmbeddings.weight!.normal_(0, 1.0 / Math.Sqrt(embeddingSize));
        _outputBias = new Parameter(zeros(featureVocabularySize));
        _scale = 1.0 / Math.Sqrt(attentionSize);
        TextSize = textSize;
        RegisterComponents();
    }

    public int TextSize { get; }

    /// <summary>
    /// Sets the per-feature output bias to log q(id) (ids with q = 0, the reserved ones, get 0), as the authors do: the
    /// noise-corrected NCE logit s(id) - log(K q(id)) then starts at e·x - log K for every candidate instead of
    /// -log(K q), which is about +5 for rare ids and made MTM spend its gradient (and dominate the summed loss)
    /// calibrating biases.
    /// </summary>
    public void InitializeOutputBias(IReadOnlyList<double> noiseProbabilities)
    {
        if (noiseProbabilities.Count != _outputBias.shape[0])
            throw new ArgumentException($"{noiseProbabilities.Count} probabilities for {_outputBias.shape[0]} feature ids", nameof(noiseProbabilities));
        var logQ = noiseProbabilities.Select(q => q > 0 ? (float)Math.Log(q) : 0f).ToArray();
        using var values = tensor(logQ, device: _outputBias.device);
        using (no_grad()) _outputBias.copy_(values);
    }

    public override Tensor forward(Tensor maskedRow, Tensor? textStates, Tensor? textMask)
    {
        using var scope = NewDisposeScope();
        var input = textStates is null ? maskedRow : cat([maskedRow, AttendToText(maskedRow, textStates, textMask!)], 1);
        return (einsum("bi,fie->bfe", input, _fieldWeight) + _fieldBias).MoveToOuterDisposeScope();
    }

    /// <summary>u [B, Dt]: the masked row's query attending over token states [B, L, Dt] where <paramref name="textMask"/> [B, L] is nonzero.</summary>
    Tensor AttendToText(Tensor maskedRow, Tensor textStates, Tensor textMask)
    {
        var q = _queryNorm.call(_query.call(maskedRow));                            // [B, Dt]
        var scores = einsum("bd,bld->bl", q, textStates) * _scale;                  // [B, L]
        scores = scores.masked_fill(textMask.eq(0), double.NegativeInfinity);
        return einsum("bl,bld->bd", scores.softmax(1), textStates);
    }

    /// <summary>Scores [B, F, C] of candidate feature ids [B, F, C] against the field representations [B, F, De].</summary>
    public Tensor Score(Tensor fieldRepresentations, Tensor candidates)
    {
        using var scope = NewDisposeScope();
        var embedded = _outputEmbeddings.call(candidates);                         // [B, F, C, De]
        var scores = einsum("bfe,bfce->bfc", fieldRepresentations, embedded);
        return (scores + _outputBias.index_select(0, candidates.flatten()).view_as(candidates)).MoveToOuterDisposeScope();
    }
}
