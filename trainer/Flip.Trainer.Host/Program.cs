using Flip.FeatureStore.Errors;
using Flip.Trainer.Online;

// flip-trainer: the online trainer worker in the Generic Host. Configuration from appsettings.json beside the
// executable, environment (Trainer__Window=10000) and command-line keys (--Store:Root=/data/store --Registry:Root=/data/registry).
// Exit codes and messages follow the one error policy (docs/architecture.md): bad settings or environment -> 2, a bug -> 1.
return await ErrorPolicy.RunAsync(() => TrainerHost.RunAsync(TrainerHost.CreateBuilder(args: args), Console.Error), Console.Error);
