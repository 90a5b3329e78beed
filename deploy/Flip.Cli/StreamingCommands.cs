using System.CommandLine;

namespace Flip.Cli;

/// <summary>The streaming commands: broker, replay, ingest, demo (`bench ingest` lives in <see cref="BenchCommands"/>).</summary>
internal static class StreamingCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return BrokerCommand.Create();
        yield return ReplayCommand.Create();
        yield return IngestCommand.Create();
        yield return DemoCommand.Create();
        yield return ServeCommand.Create();
    }
}
