using Flip.FeatureStore.Errors;
using TorchSharp;
using static TorchSharp.torch;

namespace Flip.Trainer;

/// <summary>Resolves a device option: "auto" (CUDA when torch.cuda.is_available(), else CPU), "cpu", "cuda", "cuda:N".</summary>
public static class TrainingDevice
{
    public static Device Resolve(string? option)
    {
        var value = string.IsNullOrWhiteSpace(option) ? "auto" : option.Trim().ToLowerInvariant();
        if (value == "auto") return cuda.is_available() ? CUDA : CPU;
        if (value.StartsWith("cuda", StringComparison.Ordinal) && !cuda.is_available())
            throw new EnvironmentException($"device '{option}' was requested but CUDA is not available (this libtorch build or machine has no GPU); use --device cpu or auto");
        try
        {
            return new Device(value);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw new UserInputException($"unknown device '{option}' (expected auto, cpu, cuda or cuda:N)", e);
        }
    }
}
