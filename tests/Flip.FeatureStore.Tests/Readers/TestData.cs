using System.Text;

namespace Flip.FeatureStore.Tests.Readers;

/// <summary>Paths to the shared real datasets and scratch folders for fixtures.</summary>
internal static class TestData
{
    /// <summary>The repository root (<see cref="RepoPaths.Root"/>).</summary>
    public static string RepoRoot => RepoPaths.Root;

    /// <summary>A dataset folder under ../shared/datasets (the repo is cloned beside shared/).</summary>
    public static string SharedDataset(string name) => RepoPaths.Shared("datasets", name);
}

/// <summary>A temporary folder of fixture files, deleted on dispose.</summary>
internal sealed class FixtureFolder : IDisposable
{
    public FixtureFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "flip-readers-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Writes lines joined by \n (plus a final newline) in the given encoding (latin-1 by default, as the originals).</summary>
    public FixtureFolder Write(string name, string text, Encoding? encoding = null)
    {
        System.IO.File.WriteAllText(System.IO.Path.Combine(Path, name), text, encoding ?? Encoding.Latin1);
        return this;
    }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
