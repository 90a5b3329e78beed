using System.CommandLine;
using Flip.Cli;

var root = new RootCommand("Flip.Streaming: FLIP CTR prediction (RecSys'24) as a streaming pipeline");
root.Subcommands.Add(DataCommands.Create());
root.Subcommands.Add(TrainCommands.Create());
root.Subcommands.Add(BenchCommands.Create());
root.Subcommands.Add(PlmImportCommand.Create());
foreach (var command in FlipCommands.Create()) root.Subcommands.Add(command);
foreach (var command in StreamingCommands.Create()) root.Subcommands.Add(command);
return await root.Parse(args).InvokeAsync();
