using System.CommandLine;

namespace Flip.Cli;

/// <summary>The `data` command group: look at datasets in their original formats.</summary>
internal static class DataCommands
{
    public static Command Create()
    {
        var data = new Command("data", "Inspect datasets and build training pairs from their original files");
        data.Subcommands.Add(DataInspectCommand.Create());
        // `data pairs` is added here by its own command class.
        return data;
    }
}
