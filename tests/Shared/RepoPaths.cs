using Flip.FeatureStore;

namespace Flip.Tests.Shared;

/// <summary>
/// The repository (found by the library's <see cref="RepositoryRoot"/>) and the shared data beside it, for every test
/// project: this file is linked into each of them (see their .csproj), so there is one copy.
/// </summary>
internal static class RepoPaths
{
    public static string Root { get; } = RepositoryRoot.FindAbove(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException($"{RepositoryRoot.SolutionFile} not found above {AppContext.BaseDirectory}");

    /// <summary>A path under the repository root.</summary>
    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>A path under shared/ beside the repository (datasets, the BERT vocabulary).</summary>
    public static string Shared(params string[] parts) => Path.GetFullPath(Path.Combine([Root, "..", "shared", .. parts]));

    /// <summary>The uncased BERT WordPiece vocabulary in shared/.</summary>
    public static string BertVocab => Shared("plm", "bert-base-uncased-vocab.txt");
}
