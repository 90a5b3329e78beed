using static TorchSharp.torch;

namespace Flip.Trainer.Alignment;

/// <summary>
/// What FLIP needs from an ID-based CTR model (DCNv2 by default): a click logit and a dense representation v of
/// a tabular row. <see cref="Module"/> is the model itself, so FLIP trains and saves its parameters.
/// </summary>
public interface IFlipIdEncoder
{
    /// <summary>Size Dv of the representation v.</summary>
    int RepresentationSize { get; }

    /// <summary>The model as a TorchSharp module (registered under <c>id_model</c> in FLIP's modules).</summary>
    nn.Module Module { get; }

    /// <summary>Click logit [B] and representation v [B, Dv] of feature-id rows [B, F] (id 1 = masked field).</summary>
    (Tensor Logit, Tensor Representation) Encode(Tensor featureIds);
}
