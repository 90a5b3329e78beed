using Flip.Trainer.Alignment;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Flip.Trainer.Tests.Alignment;

/// <summary>A minimal ID model for testing FLIP's heads (embedding → MLP → v, linear logit); the real zoo lives elsewhere.</summary>
internal sealed class StandInIdEncoder : Module, IFlipIdEncoder
{
#pragma warning disable IDE1006
    internal readonly Embedding embedding;
    internal readonly Linear hidden;
    internal readonly Linear output;
#pragma warning restore IDE1006

    public StandInIdEncoder(int vocabularySize, int fieldCount, int embeddingSize = 8, int representationSize = 16) : base(nameof(StandInIdEncoder))
    {
        embedding = Embedding(vocabularySize, embeddingSize);
        hidden = Linear(fieldCount * embeddingSize, representationSize);
        output = Linear(representationSize, 1);
        RepresentationSize = representationSize;
        RegisterComponents();
    }

    public int RepresentationSize { get; }
    public Module Module => this;

    public (Tensor Logit, Tensor Representation) Encode(Tensor featureIds)
    {
        using var scope = NewDisposeScope();
        var v = hidden.forward(embedding.forward(featureIds).flatten(1)).relu();
        var logit = output.forward(v).squeeze(1);
        return (logit.MoveToOuterDisposeScope(), v.MoveToOuterDisposeScope());
    }
}
