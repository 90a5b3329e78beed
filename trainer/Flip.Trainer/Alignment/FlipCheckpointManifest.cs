namespace Flip.Trainer.Alignment;

/// <summary><c>flip.json</c>: what a FLIP checkpoint folder holds and how it was made.</summary>
public sealed class FlipCheckpointManifest
{
    public const int CurrentFormatVersion = 1;

    public int FormatVersion { get; set; } = CurrentFormatVersion;
    /// <summary>"pretrained" or "finetuned".</summary>
    public string Stage { get; set; } = "pretrained";
    public string Dataset { get; set; } = "";
    public string Ablation { get; set; } = nameof(FlipAblation.None);
    /// <summary>Finetuning mode (finetuned checkpoints only).</summary>
    public string? Mode { get; set; }
    /// <summary>Where the PLM's initial weights came from.</summary>
    public string PlmSource { get; set; } = "";
    /// <summary>True when the PLM started from random weights (no pretrained language knowledge).</summary>
    public bool PlmRandomlyInitialised { get; set; }
    public FlipHeadOptions Heads { get; set; } = new();
    /// <summary>Learned mixing weight a (finetuned FLIP checkpoints only).</summary>
    public double? Alpha { get; set; }
    public long TrainedSamples { get; set; }
    public DateTime CreatedUtc { get; set; }
}
