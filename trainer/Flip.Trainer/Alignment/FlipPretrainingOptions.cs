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
    /// <summary>
    /// AdamW peak learning rate of everything that is not the PLM (the ID model, the MLM/MTM reconstruction heads, the
    /// ICL projections), in its own parameter group, cosine-decayed like the PLM's. Null (the default) = one group at
    /// <see cref="LearningRate"/>, the paper's single rate. Why: those parts start from scratch, and at 5e-5 a CPU-sized
    /// run of a few hundred steps leaves them where they started (docs/flip-alignment.md, "Making pretraining learn").
    /// </summary>
    public double? HeadLearningRate { get; set; }
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
    /// <summary>
    /// Steps at the start left out of the report's Seconds, Samples and PhaseTimes (CUDA kernel selection, allocator
    /// growth, optimizer state creation); they are trained like any other step. Default 0.
    /// </summary>
    public int WarmupSteps { get; set; }
    /// <summary>
    /// Time each step's phases (report's PhaseTimes). On CUDA this synchronises the device five times a step, which
    /// costs throughput: benchmarks measure speed with it off and phases in a separate run. Default true.
    /// </summary>
    public bool PhaseTiming { get; set; } = true;
    /// <summary>
    /// Steps between progress reports (each reports the mean losses since the previous one). Losses are summed on the
    /// device and read only then: on CUDA every read waits for the queued kernels, so GPU runs want tens. Default 1.
    /// </summary>
    public int LogInterval { get; set; } = 1;
    /// <summary>Batches masked and built ahead on a background thread (pinned memory on CUDA); 0 builds each in the loop. Default 2.</summary>
    public int PrefetchBatches { get; set; } = 2;
    /// <summary>Head sizes, τ and NCE noise count.</summary>
    public FlipHeadOptions Heads { get; set; } = new();
}
