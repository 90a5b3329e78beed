using System.CommandLine;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;
using Flip.Trainer.Training;

namespace Flip.Cli;

/// <summary>The training knobs `train id` and `bench id` share, and how they become <see cref="IdTrainingOptions"/>.</summary>
internal sealed class IdTrainingCliOptions
{
    private static readonly IdTrainingOptions Defaults = new();

    public Option<int> Epochs { get; } = new("--epochs") { Description = $"Most training epochs (early stopping on validation AUC may end sooner; default {Defaults.MaxEpochs})", DefaultValueFactory = _ => Defaults.MaxEpochs };
    public Option<int> BatchSize { get; } = CliOptions.BatchSize(Defaults.BatchSize, "Training batch size");
    public Option<double> LearningRate { get; } = new("--lr") { Description = $"Adam learning rate (default {Defaults.LearningRate})", DefaultValueFactory = _ => Defaults.LearningRate };
    public Option<int> Seed { get; } = new("--seed") { Description = $"Seed of initialisation and shuffling (default {Defaults.Seed})", DefaultValueFactory = _ => Defaults.Seed };
    public Option<int> Patience { get; } = new("--patience") { Description = $"Epochs without a better validation AUC before stopping (default {Defaults.Patience})", DefaultValueFactory = _ => Defaults.Patience };
    public TorchCliOptions Torch { get; } = new(deviceDefault: null); // ID models train on the CPU
    public Option<int?> Limit { get; } = CliOptions.Limit();

    public void AddTo(Command command)
    {
        command.Options.Add(Epochs);
        command.Options.Add(BatchSize);
        command.Options.Add(LearningRate);
        command.Options.Add(Seed);
        command.Options.Add(Patience);
        Torch.AddTo(command);
        command.Options.Add(Limit);
    }

    /// <summary>The options as given (validated), with torch set up for this process.</summary>
    public IdTrainingOptions Read(ParseResult parse)
    {
        var torch = Torch.Configure(parse); // before any other torch call of the process
        var options = new IdTrainingOptions
        {
            MaxEpochs = parse.GetValue(Epochs),
            BatchSize = parse.GetValue(BatchSize),
            LearningRate = parse.GetValue(LearningRate),
            Seed = parse.GetValue(Seed),
            Patience = parse.GetValue(Patience),
            Threads = torch.Threads,
        };
        options.Validate();
        return options;
    }

    /// <summary>Reads the dataset's events in chronological order (all of them, or the first --limit).</summary>
    public (DatasetSchema Schema, List<ClickEvent> Events) ReadEvents(ParseResult parse, string dataset, string path) =>
        DatasetEvents.Read(dataset, path, parse.GetValue(Limit));
}
