namespace Flip.Trainer.Online.Tests;

/// <summary>Locates the repository root (the folder holding Flip.Streaming.sln) and the shared data beside it.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string BertVocab => Path.GetFullPath(Path.Combine(Root, "..", "shared", "plm", "bert-base-uncased-vocab.txt"));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Flip.Streaming.sln"))) return dir.FullName;
        throw new InvalidOperationException("Flip.Streaming.sln not found above " + AppContext.BaseDirectory);
    }
}
