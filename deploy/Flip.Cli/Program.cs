using System.CommandLine;
using Flip.Cli;

var root = new RootCommand("Flip.Streaming: FLIP CTR prediction (RecSys'24) as a streaming pipeline");
root.Subcommands.Add(DataCommands.Create());
root.Subcommands.Add(TrainCommands.Create());
root.Subcommands.Add(BenchCommands.Create());
root.Subcommands.Add(PlmImportCommand.Create());
foreach (var command in FlipCommands.Create()) root.Subcommands.Add(command);
foreach (var command in StreamingCommands.Create()) root.Subcommands.Add(command);
// Ctrl+C / SIGTERM cancel the command's token; long-running commands (demo, ingest, serve) then drain and stop their
// workers, which takes longer than System.CommandLine's default 2 s before it forces the exit.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromMinutes(3) });
