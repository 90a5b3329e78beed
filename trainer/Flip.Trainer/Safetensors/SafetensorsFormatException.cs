using Flip.FeatureStore.Errors;

namespace Flip.Trainer.Safetensors;

/// <summary>A safetensors file (or a checkpoint in a refused format) that cannot be read; the message says what is wrong.</summary>
public sealed class SafetensorsFormatException(string message) : UserInputException(message);
