using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Flip.Trainer.Alignment;

/// <summary>
/// FLIP's MLM head: a masked token's state, concatenated with v of the unmasked tabular row (joint reconstruction),
/// through Linear(Dt+Dv → Dt), Tanh, dropout, Linear(Dt → vocabulary).
/// forward(masked-token states [N, Dt], their rows' v [N, Dv] or null without joint reconstruction) → logits [N, V].
/// </summary>
public sealed class MlmReconstructionHead : nn.Module<Tensor, Tensor?, Tensor>
{
    [ComponentName(Name = "dense")]
    readonly Linear _dense;
    [ComponentName(Name = "dropout")]
    readonly Dropout _dropout;
    [ComponentName(Name = "decoder")]
    readonly Linear _decoder;

    /// <param name="rowSize">Dv, or 0 when the text reconstructs from itself only (ablation).</param>
    public MlmReconstructionHead(int textSize, int rowSize, int vocabularySize, double dropoutRate) : base(nameof(MlmReconstructionHead))
    {
        _dense = nn.Linear(textSize + rowSize, textSize);
        _dropout = nn.Dropout(dropoutRate);
        _decoder = nn.Linear(textSize, vocabularySize);
        RowSize = rowSize;
        RegisterComponents();
    }

    public int RowSize { get; }

    public override Tensor forward(Tensor tokenStates, Tensor? rowRepresentation)
    {
        using var scope = NewDisposeScope();
        return _decoder.call(Hidden(tokenStates, rowRepresentation)).MoveToOuterDisposeScope();
    }

    /// <summary>Logits [N, C] over the candidate words <paramref name="words"/> [C] only (sampled softmax, <see cref="MlmSampling"/>).</summary>
    public Tensor Sampled(Tensor tokenStates, Tensor? rowRepresentation, Tensor words)
    {
        using var scope = NewDisposeScope();
        var weight = _decoder.weight!.index_select(0, words);
        var bias = _decoder.bias!.index_select(0, words);
        return nn.functional.linear(Hidden(tokenStates, rowRepresentation), weight, bias).MoveToOuterDisposeScope();
    }

    Tensor Hidden(Tensor tokenStates, Tensor? rowRepresentation)
    {
        var input = rowRepresentation is null ? tokenStates : cat([tokenStates, rowRepresentation], 1);
        return _dropout.call(_dense.call(input).tanh());
    }
}
