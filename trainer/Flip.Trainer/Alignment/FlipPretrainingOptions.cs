namespace Flip.Trainer.Alignment;

/// <summary>FLIP pretraining settings (paper 3.3 and its released code). Section <c>Flip:Pretraining</c>.</summary>
public sealed class FlipPretrainingOptions
{
    /// <summary>Passes over the pretraining pairs. Default 1.</summary>
    public int Epochs { get; set; } = 1;
    /// <summary>
    /// Pairs per step; also the ICL in-batch negatives (B - 1). Default 1024, the paper's. A CPU run with a PLM needs
    /// less (memory grows with B x L x layers); results record the batch used.
    /// </summary>
    public int BatchSize { get; set; } = 1024;
    /// <summary>AdamW peak learning rate, decayed by a cosine schedule to 0. Default 5e-5.</summary>
    public double LearningRate { get; set; } = 5e-5;
    /// <summary>AdamW weight decay. Default 1e-3.</summary>
    public double WeightDecay { get; set; } = 1e-3;
    /// <summary>Share r_text of fields (or value tokens, with token-level masking) masked in the text. Default 0.15.</summary>
    public double TextMaskRatio { get; set; } = 0.15;
    /// <summary>Share r_tab of fields masked in the tabular row. Default 0.15.</summary>
    public double TabularMaskRatio { get; set; } = 0.15;
    /// <summary>Table 5 variant. Default None (full FLIP).</summary>
    public FlipAblation Ablation { get; set; } = FlipAblation.None;
    /// <summary>Where training runs (the trainer moves the model there): auto (CUDA when torch.cuda.is_available()), cpu, cuda or cuda:N. Default auto.</summary>
    public string Device { get; set; } = "auto";
    /// <summary>Run the PLM in bfloat16 (fp32 master weights and optimizer state). Default false.</summary>
    public bool Bf16 { get; set; }
    /// <summary>Clip the global gradient norm to this value; 0 disables clipping. Default 0.</summary>
    public double MaxGradNorm { get; set; }
    /// <summary>Seed of weight initialisation (ID model, heads), dropout, shuffling, masking and noise sampling. Default 42.</summary>
    public int Seed { get; set; } = 42;
    /// <summary>Head sizes, τ and NCE noise count.</summary>
    public FlipHeadOptions Heads { get; set; } = new();
}
