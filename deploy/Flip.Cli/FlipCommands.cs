using System.CommandLine;

namespace Flip.Cli;

/// <summary>`flip pretrain` and `flip finetune`: FLIP's alignment pretraining and CTR finetuning (paper 3.3, 3.4).</summary>
internal static class FlipCommands
{
    public static IEnumerable<Command> Create() => [FlipPretrainCommand.Create(), FlipFinetuneCommand.Create()];

    public static Option<int?> Limit() => new("--limit", "-n")
    {
        Description = "Use only the first N events in chronological order (default: all)",
    };

    public static Option<int> Epochs(int defaultValue) => new("--epochs")
    {
        Description = $"Passes over the training pairs (default {defaultValue})",
        DefaultValueFactory = _ => defaultValue,
    };

    public static Option<int> BatchSize() => new("--batch-size")
    {
        Description = "Pairs per step (default 64)",
        DefaultValueFactory = _ => 64,
    };

    public static Option<double> LearningRate() => new("--lr")
    {
        Description = "AdamW peak learning rate, cosine-decayed to 0 (default 5e-5)",
        DefaultValueFactory = _ => 5e-5,
    };

    public static Option<string> Device() => new("--device")
    {
        Description = "auto (CUDA when available), cpu, cuda or cuda:N (default auto)",
        DefaultValueFactory = _ => "auto",
    };

    public static Option<bool> Bf16() => new("--bf16")
    {
        Description = "Run the PLM in bfloat16 with fp32 master weights",
    };

    public static Option<int> Threads() => new("--threads")
    {
        Description = "Torch intra-op CPU threads (default: the number of cores)",
        DefaultValueFactory = _ => Environment.ProcessorCount,
    };

    public static Option<DirectoryInfo?> Out(string what) => new("--out", "-o")
    {
        Description = $"Folder to write the {what} checkpoint to",
    };
}
