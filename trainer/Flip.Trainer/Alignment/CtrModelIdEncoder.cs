using Flip.Trainer.IdModels;
using static TorchSharp.torch;

namespace Flip.Trainer.Alignment;

/// <summary>Any model of the ID zoo (DCNv2 by default) as FLIP's ID side: its logit and its representation v.</summary>
public sealed class CtrModelIdEncoder(CtrModel model) : IFlipIdEncoder
{
    public CtrModel Model { get; } = model;
    public int RepresentationSize => Model.RepresentationSize;
    public nn.Module Module => Model;

    public (Tensor Logit, Tensor Representation) Encode(Tensor featureIds)
    {
        var output = Model.forward(featureIds);
        return (output.Logit, output.Representation);
    }
}
