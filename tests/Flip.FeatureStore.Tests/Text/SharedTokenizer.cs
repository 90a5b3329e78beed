using Flip.FeatureStore.Text;

namespace Flip.FeatureStore.Tests.Text;

/// <summary>The real bert-base-uncased vocabulary from ../shared/plm, loaded once for all text tests.</summary>
internal static class SharedTokenizer
{
    private static readonly Lazy<BertWordPieceTokenizer> Loaded = new(() => BertWordPieceTokenizer.Load(VocabPath));

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string VocabPath => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "plm", "bert-base-uncased-vocab.txt"));

    public static BertWordPieceTokenizer Instance => Loaded.Value;

    /// <summary>Token strings of ids, e.g. ["movie", "title", "is"].</summary>
    public static string[] Strings(IEnumerable<int> ids) => ids.Select(Instance.TokenOf).ToArray();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Flip.Streaming.sln"))) return dir.FullName;
        throw new InvalidOperationException("Flip.Streaming.sln not found above " + AppContext.BaseDirectory);
    }
}
