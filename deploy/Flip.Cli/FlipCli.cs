using System.CommandLine;
using System.CommandLine.Help;
using Flip.FeatureStore.Errors;

namespace Flip.Cli;

/// <summary>
/// The command tree and its one error handler: a parse error or bad input/environment prints one line and exits 2, a bug
/// prints its stack trace and exits 1 (<see cref="ErrorPolicy"/>). Commands never catch errors themselves.
/// </summary>
internal static class FlipCli
{
    public static RootCommand Create()
    {
        var root = new RootCommand("Flip.Streaming: FLIP CTR prediction (RecSys'24) as a streaming pipeline");
        root.Subcommands.Add(DataCommands.Create());
        root.Subcommands.Add(TrainCommands.Create());
        root.Subcommands.Add(BenchCommands.Create());
        root.Subcommands.Add(PlmImportCommand.Create());
        foreach (var command in FlipCommands.Create()) root.Subcommands.Add(command);
        foreach (var command in StreamingCommands.Create()) root.Subcommands.Add(command);
        return root;
    }

    /// <summary>Parses <paramref name="args"/>, runs the command, and applies the error policy; returns the exit code.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter error) => RunAsync(Create(), args, error);

    /// <summary>The same for a given command tree (tests add a command to the real tree).</summary>
    internal static async Task<int> RunAsync(RootCommand root, string[] args, TextWriter error)
    {
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not HelpAction)
        {
            foreach (var e in parse.Errors) error.WriteLine("error: " + e.Message.ReplaceLineEndings(" "));
            return ErrorPolicy.UserError;
        }
        var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromMinutes(3), EnableDefaultExceptionHandler = false };
        return await ErrorPolicy.RunAsync(() => parse.InvokeAsync(invocation), error);
    }
}
