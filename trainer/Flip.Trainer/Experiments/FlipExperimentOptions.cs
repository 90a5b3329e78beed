using Flip.Trainer.Alignment;
using Flip.Trainer.IdModels;
using Flip.Trainer.Training;

namespace Flip.Trainer.Experiments;

/// <summary>Settings of <see cref="FlipExperiment"/>. Section <c>Flip:Experiment</c>.</summary>
public sealed class FlipExperimentOptions
{
    public const string SectionName = "Flip:Experiment";

    /// <summary>The PLM to start from (a Hugging Face folder or a random shape). Required.</summary>
    public required FlipPlmSource Plm { get; init; }

    /// <summary>ID model trained from scratch and used as FLIP's ID side. Default dcnv2 (the paper's FLIP_ID backbone).</summary>
    public string IdModel { get; init; } = "dcnv2";

    /// <summary>Sizes of the ID model (both the from-scratch baseline and FLIP's). Default: <see cref="IdModelOptions"/>' defaults.</summary>
    public IdModelOptions? IdModelOptions { get; init; }

    /// <summary>The from-scratch baseline's training (early stopping on validation AUC). Default: <see cref="IdTrainingOptions"/>' defaults.</summary>
    public IdTrainingOptions IdTraining { get; init; } = new();

    /// <summary>The one pretraining run. Default: <see cref="FlipPretrainingOptions"/>' defaults.</summary>
    public FlipPretrainingOptions Pretraining { get; init; } = new();

    /// <summary>Finetuning of each mode (its <see cref="FlipFinetuningOptions.Mode"/> is set per mode). Default: <see cref="FlipFinetuningOptions"/>' defaults.</summary>
    public FlipFinetuningOptions Finetuning { get; init; } = new();

    /// <summary>Tokens per text, [CLS] and [SEP] included. Default 100 (as <see cref="FeatureStore.Text.TextPairOptions.MaxLength"/>).</summary>
    public int MaxLength { get; init; } = 100;

    /// <summary>Folder for the pretraining checkpoint, deleted afterwards. Default: a new folder under the system temp folder.</summary>
    public string? CheckpointDirectory { get; init; }
}
