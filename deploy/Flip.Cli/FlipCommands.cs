using System.CommandLine;

namespace Flip.Cli;

/// <summary>`flip pretrain` and `flip finetune`: FLIP's alignment pretraining and CTR finetuning (paper 3.3, 3.4).</summary>
internal static class FlipCommands
{
    /// <summary>Pairs per step of the FLIP commands unless they say otherwise.</summary>
    public const int DefaultBatchSize = 64;

    public static IEnumerable<Command> Create() => [FlipPretrainCommand.Create(), FlipFinetuneCommand.Create()];

    public static Option<int> Epochs(int defaultValue) => new("--epochs")
    {
        Description = $"Passes over the training pairs (default {defaultValue})",
        DefaultValueFactory = _ => defaultValue,
    };

    /// <summary>`--ablation`: the pretraining variant of the paper's Table 5, by its CLI name (parse with <see cref="Trainer.Alignment.FlipObjectives.Parse"/>).</summary>
    public static Option<string> Ablation() => new("--ablation")
    {
        Description = $"Table 5 variant: {string.Join(", ", Trainer.Alignment.FlipObjectives.Names.Keys)} (default none = full FLIP)",
        DefaultValueFactory = _ => "none",
    };

    public static Option<int> BatchSize() => CliOptions.BatchSize(DefaultBatchSize, "Pairs per step");

    public static Option<double> LearningRate() => new("--lr")
    {
        Description = "AdamW peak learning rate, cosine-decayed to 0 (default 5e-5)",
        DefaultValueFactory = _ => 5e-5,
    };

    public static Option<bool> Bf16() => new("--bf16")
    {
        Description = "Run the PLM in bfloat16 with fp32 master weights",
    };
}
