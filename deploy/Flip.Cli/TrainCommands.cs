using System.CommandLine;

namespace Flip.Cli;

/// <summary>`flip train ...`: offline training on a dataset.</summary>
internal static class TrainCommands
{
    public static Command Create()
    {
        var train = new Command("train", "Train models offline on a dataset (chronological split, early stopping on validation)");
        train.Subcommands.Add(TrainIdCommand.Create());
        train.Subcommands.Add(TrainOnlineCommand.Create());
        return train;
    }
}
