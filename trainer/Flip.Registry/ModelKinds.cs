namespace Flip.Registry;

/// <summary>
/// The <c>kind</c> of a published model. ID-zoo models publish their zoo name (<c>dcnv2</c>, <c>deepfm</c>, ...);
/// the FLIP variants publish one of the constants below.
/// </summary>
public static class ModelKinds
{
    /// <summary>FLIP_ID: the ID model after FLIP alignment and finetuning, scored without the PLM.</summary>
    public const string FlipId = "flip-id";

    /// <summary>FLIP: y = sigmoid(a * ID logit + (1 - a) * PLM logit).</summary>
    public const string Flip = "flip";

    /// <summary>FLIP_PLM: the PLM side alone.</summary>
    public const string FlipPlm = "flip-plm";

    /// <summary>True when scoring needs the PLM (the text view of the event).</summary>
    public static bool NeedsPlm(string kind) => kind is Flip or FlipPlm;

    /// <summary>True for the FLIP family (checkpoint layout of <c>FlipCheckpoint</c>); otherwise an ID-zoo checkpoint.</summary>
    public static bool IsFlip(string kind) => kind is FlipId or Flip or FlipPlm;
}
