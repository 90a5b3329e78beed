using System.CommandLine;
using Flip.FeatureStore;
using Flip.FeatureStore.Text;

namespace Flip.Cli;

/// <summary>Options of the commands that build text-tabular pairs (`data pairs`, `bench pairs`, the FLIP commands).</summary>
internal static class PairCliOptions
{
    /// <summary>The uncased BERT WordPiece vocabulary in shared/ beside the repository: the CLI's default for <c>--vocab</c>.</summary>
    public static readonly string[] DefaultVocab = ["plm", "bert-base-uncased-vocab.txt"];

    public static Option<int> MaxLength() => new("--max-length")
    {
        Description = "Tokens per text including [CLS] and [SEP]; longer texts lose whole trailing fields",
        DefaultValueFactory = _ => new TextPairOptions().MaxLength,
    };

    public static Option<string> Vocab() => new("--vocab")
    {
        Description = $"BERT WordPiece vocabulary file (default ../shared/{string.Join('/', DefaultVocab)} beside the repository)",
        DefaultValueFactory = _ => RepositoryRoot.SharedPath(DefaultVocab),
    };

    /// <summary>A relative path is tried against the current folder first, then against the repository root.</summary>
    public static string ResolveVocab(string path)
    {
        if (Path.IsPathRooted(path) || File.Exists(path)) return Path.GetFullPath(path);
        if (RepositoryRoot.Find() is { } root && File.Exists(Path.Combine(root, path))) return Path.GetFullPath(Path.Combine(root, path));
        return Path.GetFullPath(path);
    }
}
