using Flip.Scorer;

// flip-scorer: the scoring service. Configuration: appsettings.json beside the executable (section Scorer, every key
// documented in docs/scorer.md), environment (Scorer__Registry=/models), command-line keys (--Scorer:Registry=/models).
try
{
    await using var app = ScorerApp.Build(args);
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"flip-scorer: {e.Message}");
    return 2;
}
