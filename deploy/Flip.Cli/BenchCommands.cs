using System.CommandLine;

namespace Flip.Cli;

/// <summary>The `bench` command group: measurements printed as figures (results go to docs/benchmarks.md with their command).</summary>
internal static class BenchCommands
{
    public static Command Create()
    {
        var bench = new Command("bench", "Measure throughput of pipeline parts on real data");
        bench.Subcommands.Add(BenchPairsCommand.Create());
        return bench;
    }
}
