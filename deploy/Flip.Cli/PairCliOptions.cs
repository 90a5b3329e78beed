using System.CommandLine;
using Flip.FeatureStore.Text;

namespace Flip.Cli;

/// <summary>Options of the commands that build text-tabular pairs (`data pairs`, `bench pairs`).</summary>
internal static class PairCliOptions
{
    public static Option<int> MaxLength() => new("--max-length")
    {
        Description = "Tokens per text including [CLS] and [SEP]; longer texts lose whole trailing fields",
        DefaultValueFactory = _ => new TextPairOptions().MaxLength,
    };

    public static Option<string> Vocab() => new("--vocab")
    {
        Description = $"BERT WordPiece vocabulary file (default {TextPairOptions.DefaultVocabPath}, relative to the current folder or the repo root)",
        DefaultValueFactory = _ => TextPairOptions.DefaultVocabPath,
    };

    /// <summary>
    /// A relative vocabulary path is tried against the current folder first, then against the repo root found above the
    /// CLI's binaries, so the default "../shared/..." works from anywhere inside the checkout.
    /// </summary>
    public static string ResolveVocab(string path)
    {
        if (Path.IsPathRooted(path) || File.Exists(path)) return Path.GetFullPath(path);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Flip.Streaming.sln")))
            {
                var candidate = Path.GetFullPath(Path.Combine(dir.FullName, path));
                if (File.Exists(candidate)) return candidate;
                break;
            }
        }
        return Path.GetFullPath(path);
    }
}
