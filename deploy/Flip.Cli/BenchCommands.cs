using System.CommandLine;

namespace Flip.Cli;

/// <summary>The `bench` command group: benchmarks that print figures (results go to docs/benchmarks.md).</summary>
internal static class BenchCommands
{
    public static Command Create()
    {
        var bench = new Command("bench", "Benchmarks: measure a part of the pipeline on a real dataset and print the figures");
        bench.Subcommands.Add(BenchStoreCommand.Create());
        bench.Subcommands.Add(BenchPairsCommand.Create());
        // `bench id` and `bench flip` are added here by their own command classes.
        return bench;
    }
}
