using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Flip.Trainer.Plm;

/// <summary>tanh(dense([CLS] state)) (Hugging Face <c>bert.pooler</c>); forward(sequence [B, L, H]) → [B, H].</summary>
public sealed class BertPooler : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "dense")]
    readonly Linear _dense;

    public BertPooler(BertConfig config) : base(nameof(BertPooler))
    {
        _dense = nn.Linear(config.HiddenSize, config.HiddenSize);
        RegisterComponents();
    }

    public override Tensor forward(Tensor sequence)
    {
        using var scope = NewDisposeScope();
        return _dense.call(sequence.select(1, 0)).tanh().MoveToOuterDisposeScope();
    }
}
