using System.CommandLine;

namespace Flip.Cli;

/// <summary>`flip bench ...`: benchmarks that print figures (and write result tables); results go to docs/.</summary>
internal static class BenchCommands
{
    public static Command Create()
    {
        var bench = new Command("bench", "Benchmarks: measure a part of the pipeline on a real dataset and print the figures");
        bench.Subcommands.Add(BenchStoreCommand.Create());
        bench.Subcommands.Add(BenchPairsCommand.Create());
        bench.Subcommands.Add(BenchIdCommand.Create());
        bench.Subcommands.Add(BenchIdLatencyCommand.Create());
        bench.Subcommands.Add(BenchFlipCommand.Create());
        bench.Subcommands.Add(BenchFlipSeedsCommand.Create());
        bench.Subcommands.Add(BenchFlipGpuCommand.Create());
        bench.Subcommands.Add(IngestBenchCommand.Create());
        bench.Subcommands.Add(BenchScorerCommand.Create());
        return bench;
    }
}
