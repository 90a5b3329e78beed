using System.CommandLine;

namespace Flip.Cli;

/// <summary>The streaming commands: broker, replay, ingest, demo, and `bench ingest`.</summary>
internal static class StreamingCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return BrokerCommand.Create();
        yield return ReplayCommand.Create();
        yield return IngestCommand.Create();
        var bench = new Command("bench", "Benchmarks that print figures");
        bench.Subcommands.Add(IngestBenchCommand.Create());
        yield return bench;
        yield return DemoCommand.Create();
    }
}
