using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Flip.Scorer.Models;

/// <summary>
/// The few float32 vector kernels the managed ID forward needs (<see cref="Vector{T}"/>, no package): dot products,
/// y += a·x, element-wise products and a ReLU. Inputs are spans over arrays copied out of the checkpoint once.
/// </summary>
internal static class Kernels
{
    /// <summary>Σ a[i]·b[i] over the common length (a.Length).</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int n = a.Length;
        if (b.Length < n) throw new ArgumentException("b is shorter than a.", nameof(b));
        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        int i = 0;
        float sum = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            int w = Vector<float>.Count;
            var acc0 = Vector<float>.Zero;
            var acc1 = Vector<float>.Zero;
            for (; i <= n - 2 * w; i += 2 * w)
            {
                acc0 += Vector.LoadUnsafe(ref ra, (nuint)i) * Vector.LoadUnsafe(ref rb, (nuint)i);
                acc1 += Vector.LoadUnsafe(ref ra, (nuint)(i + w)) * Vector.LoadUnsafe(ref rb, (nuint)(i + w));
            }
            for (; i <= n - w; i += w) acc0 += Vector.LoadUnsafe(ref ra, (nuint)i) * Vector.LoadUnsafe(ref rb, (nuint)i);
            sum = Vector.Sum(acc0 + acc1);
        }
        for (; i < n; i++) sum += Unsafe.Add(ref ra, i) * Unsafe.Add(ref rb, i);
        return sum;
    }

    /// <summary>y[i] += a·x[i].</summary>
    public static void AddScaled(Span<float> y, float a, ReadOnlySpan<float> x)
    {
        int n = y.Length;
        if (x.Length < n) throw new ArgumentException("x is shorter than y.", nameof(x));
        ref float ry = ref MemoryMarshal.GetReference(y);
        ref float rx = ref MemoryMarshal.GetReference(x);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var va = new Vector<float>(a);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
                (Vector.LoadUnsafe(ref ry, (nuint)i) + va * Vector.LoadUnsafe(ref rx, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref ry, i) += a * Unsafe.Add(ref rx, i);
    }

    /// <summary>y = W·x + b for a row-major W [y.Length, x.Length] (a torch Linear's weight), optionally followed by ReLU.</summary>
    public static void Linear(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, ReadOnlySpan<float> x, Span<float> y, bool relu)
    {
        int inputs = x.Length;
        for (int o = 0; o < y.Length; o++)
        {
            float v = Dot(weight.Slice(o * inputs, inputs), x) + bias[o];
            y[o] = relu && v < 0 ? 0 : v;
        }
    }

    /// <summary>y[i] = tanh(y[i]).</summary>
    public static void Tanh(Span<float> y)
    {
        for (int i = 0; i < y.Length; i++) y[i] = MathF.Tanh(y[i]);
    }
}
