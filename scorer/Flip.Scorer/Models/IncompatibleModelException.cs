namespace Flip.Scorer.Models;

/// <summary>A version that verified but cannot be served (unknown kind, schema or vocabulary mismatch, failed warm-up).</summary>
public sealed class IncompatibleModelException(string version, string problem)
    : Exception($"Model version {version} cannot be served: {problem}.")
{
    public string Version { get; } = version;
    public string Problem { get; } = problem;
}
