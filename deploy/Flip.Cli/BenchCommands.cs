using System.CommandLine;

namespace Flip.Cli;

/// <summary>`flip bench ...`: benchmarks that print figures (and write result tables).</summary>
internal static class BenchCommands
{
    public static Command Create()
    {
        var bench = new Command("bench", "Benchmarks: model quality tables and speed measurements");
        bench.Subcommands.Add(BenchIdCommand.Create());
        bench.Subcommands.Add(BenchIdLatencyCommand.Create());
        return bench;
    }
}
