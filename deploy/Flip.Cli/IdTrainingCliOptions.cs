using System.CommandLine;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Readers;
using Flip.FeatureStore.Schema;
using Flip.Trainer.Training;

namespace Flip.Cli;

/// <summary>The training knobs `train id` and `bench id` share, and how they become <see cref="IdTrainingOptions"/>.</summary>
internal sealed class IdTrainingCliOptions
{
    private static readonly IdTrainingOptions Defaults = new();

    public Option<int> Epochs { get; } = new("--epochs") { Description = $"Most training epochs (early stopping on validation AUC may end sooner; default {Defaults.MaxEpochs})", DefaultValueFactory = _ => Defaults.MaxEpochs };
    public Option<int> Batch { get; } = new("--batch") { Description = $"Training batch size (default {Defaults.BatchSize})", DefaultValueFactory = _ => Defaults.BatchSize };
    public Option<double> LearningRate { get; } = new("--lr") { Description = $"Adam learning rate (default {Defaults.LearningRate})", DefaultValueFactory = _ => Defaults.LearningRate };
    public Option<int> Seed { get; } = new("--seed") { Description = $"Seed of initialisation and shuffling (default {Defaults.Seed})", DefaultValueFactory = _ => Defaults.Seed };
    public Option<int> Patience { get; } = new("--patience") { Description = $"Epochs without a better validation AUC before stopping (default {Defaults.Patience})", DefaultValueFactory = _ => Defaults.Patience };
    public Option<int> Threads { get; } = new("--threads") { Description = $"Torch threads (default {Defaults.Threads})", DefaultValueFactory = _ => Defaults.Threads };
    public Option<int?> Limit { get; } = new("--limit") { Description = "Use only the first N events (chronological), e.g. for a quick run" };

    public void AddTo(Command command)
    {
        command.Options.Add(Epochs);
        command.Options.Add(Batch);
        command.Options.Add(LearningRate);
        command.Options.Add(Seed);
        command.Options.Add(Patience);
        command.Options.Add(Threads);
        command.Options.Add(Limit);
    }

    public IdTrainingOptions Read(ParseResult parse)
    {
        var options = new IdTrainingOptions
        {
            MaxEpochs = parse.GetValue(Epochs),
            BatchSize = parse.GetValue(Batch),
            LearningRate = parse.GetValue(LearningRate),
            Seed = parse.GetValue(Seed),
            Patience = parse.GetValue(Patience),
            Threads = parse.GetValue(Threads),
        };
        options.Validate();
        Flip.Trainer.TorchRuntime.Configure(options.Threads); // before any other torch call of the process
        return options;
    }

    /// <summary>Reads the dataset's events in chronological order (all of them, or the first --limit).</summary>
    public (DatasetSchema Schema, List<ClickEvent> Events) ReadEvents(ParseResult parse, string dataset, string path)
    {
        var reader = DatasetCatalog.Open(dataset, path);
        var events = reader.ReadEvents();
        if (parse.GetValue(Limit) is int limit)
        {
            if (limit < 1) throw new ArgumentException($"--limit must be at least 1 (got {limit}).");
            events = events.Take(limit);
        }
        return (reader.Schema, events.ToList());
    }
}
