using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Flip.Trainer.Alignment;

/// <summary>
/// FLIP's MLM head: a masked token's state, concatenated with v of the unmasked tabular row (joint reconstruction),
/// through Linear(Dt+Dv → Dt), Tanh, dropout, Linear(Dt → vocabulary).
/// </summary>
public sealed class MlmReconstructionHead : Module
{
#pragma warning disable IDE1006
    internal readonly Linear dense;
    internal readonly Dropout dropout;
    internal readonly Linear decoder;
#pragma warning restore IDE1006

    /// <param name="rowSize">Dv, or 0 when the text reconstructs from itself only (ablation).</param>
    public MlmReconstructionHead(int textSize, int rowSize, int vocabularySize, double dropoutRate) : base(nameof(MlmReconstructionHead))
    {
        dense = Linear(textSize + rowSize, textSize);
        dropout = Dropout(dropoutRate);
        decoder = Linear(textSize, vocabularySize);
        RowSize = rowSize;
        RegisterComponents();
    }

    public int RowSize { get; }

    /// <summary>Vocabulary logits [N, V] for masked-token states [N, Dt] and their rows' v [N, Dv] (null without joint reconstruction).</summary>
    public Tensor Forward(Tensor tokenStates, Tensor? rowRepresentation)
    {
        using var scope = NewDisposeScope();
        var input = rowRepresentation is null ? tokenStates : cat([tokenStates, rowRepresentation], 1);
        return decoder.forward(dropout.forward(dense.forward(input).tanh())).MoveToOuterDisposeScope();
    }
}
