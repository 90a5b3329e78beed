using static TorchSharp.torch;

namespace Flip.Trainer.IdModels;

/// <summary>
/// What an ID-based CTR model returns for a batch: the click logit and the dense representation
/// <c>v</c> the output layer reads (FLIP aligns this vector with the language model's).
/// </summary>
/// <param name="Logit">Pre-sigmoid click score, shape [B].</param>
/// <param name="Representation">Dense representation v, shape [B, <see cref="CtrModel.RepresentationSize"/>].</param>
public sealed record CtrOutput(Tensor Logit, Tensor Representation);
