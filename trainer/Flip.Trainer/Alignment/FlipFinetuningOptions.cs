namespace Flip.Trainer.Alignment;

/// <summary>FLIP finetuning settings (paper 3.4). Section <c>Flip:Finetuning</c>.</summary>
public sealed class FlipFinetuningOptions
{
    /// <summary>FLIP (both models), FLIP_ID or FLIP_PLM. Default Flip.</summary>
    public FlipFinetuneMode Mode { get; set; } = FlipFinetuneMode.Flip;
    /// <summary>
    /// Most passes over the training pairs. With validation pairs, training keeps the epoch with the best validation
    /// AUC and stops after <see cref="Patience"/> epochs without a better one (the ID models' rule). Default 1.
    /// </summary>
    public int Epochs { get; set; } = 1;
    /// <summary>Epochs without a better validation AUC before finetuning stops; the best epoch's weights are kept. Default 1.</summary>
    public int Patience { get; set; } = 1;
    /// <summary>Pairs per step. Default 64.</summary>
    public int BatchSize { get; set; } = 64;
    /// <summary>AdamW peak learning rate of the ID model, the PLM's CTR head and a. Default 5e-5.</summary>
    public double LearningRate { get; set; } = 5e-5;
    /// <summary>AdamW peak learning rate of the PLM's own weights (their parameter group). Default 5e-5 (the authors').</summary>
    public double PlmLearningRate { get; set; } = 5e-5;
    /// <summary>
    /// How both learning rates move over the run: Cosine (decay to 0 over all epochs' steps; default) or Constant (the
    /// ID models' own rule: the from-scratch baseline trains with a constant Adam rate, so a fair FLIP_ID row uses it too).
    /// </summary>
    public FlipLearningRateSchedule Schedule { get; set; } = FlipLearningRateSchedule.Cosine;
    /// <summary>AdamW weight decay. Default 1e-3.</summary>
    public double WeightDecay { get; set; } = 1e-3;
    /// <summary>Where training runs (the trainer moves the model there): auto (CUDA when torch.cuda.is_available()), cpu, cuda or cuda:N. Default auto.</summary>
    public string Device { get; set; } = "auto";
    /// <summary>Run the PLM in bfloat16 (fp32 master weights and optimizer state). Default false.</summary>
    public bool Bf16 { get; set; }
    /// <summary>Seed of the CTR head's initialisation, dropout and shuffling. Default 42.</summary>
    public int Seed { get; set; } = 42;
}

/// <summary>Learning-rate schedule of FLIP finetuning.</summary>
public enum FlipLearningRateSchedule
{
    /// <summary>Cosine decay from the peak to 0 over all the run's steps.</summary>
    Cosine,
    /// <summary>The peak rate throughout.</summary>
    Constant,
}
