using Flip.Trainer.IdModels;
using Flip.Trainer.Training;

namespace Flip.Trainer.Checkpoints;

/// <summary>
/// <c>checkpoint.json</c>: what a checkpoint folder holds and what it was trained for, so a mismatching
/// vocabulary or model shape is refused before any weight is read.
/// </summary>
public sealed class IdCheckpointManifest
{
    public const int CurrentFormatVersion = 1;

    public int FormatVersion { get; set; } = CurrentFormatVersion;
    /// <summary>Factory name of the model (dcnv2, ...).</summary>
    public string Model { get; set; } = "";
    /// <summary>Schema (dataset) name the vocabulary was built for.</summary>
    public string Dataset { get; set; } = "";
    public int NumFeatures { get; set; }
    public int NumFields { get; set; }
    public int RepresentationSize { get; set; }
    /// <summary>Version of the vocabulary the weights were trained with.</summary>
    public long VocabularyVersion { get; set; }
    /// <summary>Ids in that vocabulary (the embedding table's rows).</summary>
    public int VocabularyCount { get; set; }
    public IdModelOptions ModelOptions { get; set; } = new();
    public IdTrainingOptions? Training { get; set; }
    /// <summary>Every tensor of the state dict with its shape.</summary>
    public Dictionary<string, long[]> Shapes { get; set; } = new();
    public string WeightsFile { get; set; } = ModelWeightsFile.FileName;
    public string VocabularyFile { get; set; } = "";
    public DateTime CreatedUtc { get; set; }
}
