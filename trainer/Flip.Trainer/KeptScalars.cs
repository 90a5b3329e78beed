using TorchSharp;
using static TorchSharp.torch;

namespace Flip.Trainer;

/// <summary>
/// TorchSharp Scalars that live as long as the process. Why: an implicit Scalar (<c>a + b</c> is <c>a.add(b, 1)</c>,
/// <c>t.ne(0)</c>) is a finalizable temporary; once its handle is read the object is unreachable, and a GC during the
/// native call can free it while libtorch still reads it: "Unknown scalar type" or a failed <c>toBFloat16</c> check,
/// seen intermittently in long runs and in the bf16 test. Hot paths use these instead.
/// </summary>
public static class KeptScalars
{
    /// <summary>The integer 1 (the <c>alpha</c> of a plain tensor sum).</summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary><paramref name="a"/> + <paramref name="b"/> without a temporary Scalar.</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);
}
