using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Flip.Trainer.Plm;

/// <summary>tanh(dense([CLS] state)) (Hugging Face <c>bert.pooler</c>).</summary>
public sealed class BertPooler : Module
{
#pragma warning disable IDE1006
    internal readonly Linear dense;
#pragma warning restore IDE1006

    public BertPooler(BertConfig config) : base(nameof(BertPooler))
    {
        dense = Linear(config.HiddenSize, config.HiddenSize);
        RegisterComponents();
    }

    public Tensor Forward(Tensor sequence)
    {
        using var scope = NewDisposeScope();
        return dense.forward(sequence.select(1, 0)).tanh().MoveToOuterDisposeScope();
    }
}
