using Flip.FeatureStore.Readers;
using Flip.FeatureStore.Text;
using Flip.Trainer.Safetensors;

namespace Flip.Cli;

/// <summary>Exceptions that mean bad input (shown as one line), as opposed to bugs (left to crash with a trace).</summary>
internal static class FlipCliErrors
{
    public static bool IsUserError(Exception e) => e is DatasetFormatException or FileNotFoundException or DirectoryNotFoundException
        or InvalidDataException or ArgumentException or IOException or TextTooLongException or SafetensorsFormatException
        or InvalidOperationException;
}
