namespace Flip.Demo.Tests;

/// <summary>Locates the repository root (the folder holding Flip.Streaming.sln) and files under it.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    public static string Shared(params string[] parts) => Path.GetFullPath(Path.Combine([Root, "..", "shared", .. parts]));

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "Flip.Streaming.sln"))) return dir.FullName;
        throw new InvalidOperationException("Flip.Streaming.sln not found above " + AppContext.BaseDirectory);
    }
}
