using Flip.Trainer.Online;

// flip-trainer: the online trainer worker in the Generic Host. Configuration from appsettings.json beside the
// executable, environment (Trainer__Window=10000) and command-line keys (--Store:Root=/data/store --Registry:Root=/data/registry).
var builder = TrainerHost.CreateBuilder(args: args);
return await TrainerHost.RunAsync(builder, Console.Error);
