using static TorchSharp.torch;

namespace Flip.Trainer.Safetensors;

/// <summary>The safetensors dtypes this reader/writer supports, with their byte sizes and TorchSharp equivalents.</summary>
public static class SafetensorsDType
{
    public static int SizeOf(string dtype) => dtype switch
    {
        "F32" or "I32" => 4,
        "F16" or "BF16" => 2,
        "I64" => 8,
        _ => throw new SafetensorsFormatException($"unsupported dtype '{dtype}' (supported: F32, F16, BF16, I64, I32)"),
    };

    public static ScalarType ToScalarType(string dtype) => dtype switch
    {
        "F32" => ScalarType.Float32,
        "F16" => ScalarType.Float16,
        "BF16" => ScalarType.BFloat16,
        "I64" => ScalarType.Int64,
        "I32" => ScalarType.Int32,
        _ => throw new SafetensorsFormatException($"unsupported dtype '{dtype}' (supported: F32, F16, BF16, I64, I32)"),
    };

    public static string FromScalarType(ScalarType type) => type switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        _ => throw new ArgumentException($"cannot write a {type} tensor to safetensors (supported: Float32, Float16, BFloat16, Int64, Int32)"),
    };
}
