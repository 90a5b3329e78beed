using Flip.FeatureStore.Errors;
using Flip.Scorer;

// flip-scorer: the scoring service. Configuration: appsettings.json beside the executable (section Scorer, every key
// documented in docs/scorer.md), environment (Scorer__Registry=/models), command-line keys (--Scorer:Registry=/models).
// Exit codes and messages follow the one error policy (docs/architecture.md): bad settings or environment -> 2, a bug -> 1.
return await ErrorPolicy.RunAsync(async () =>
{
    await using var app = ScorerApp.Build(args);
    await app.RunAsync();
    return 0;
}, Console.Error);
