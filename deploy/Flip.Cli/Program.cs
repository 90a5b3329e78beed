using Flip.Cli;

// Ctrl+C / SIGTERM cancel the command's token; long-running commands (demo, ingest, serve) then drain and stop their
// workers, which takes longer than System.CommandLine's default 2 s before it forces the exit.
return await FlipCli.RunAsync(args, Console.Error);
