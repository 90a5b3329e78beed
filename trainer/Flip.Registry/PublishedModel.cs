namespace Flip.Registry;

/// <summary>A verified model version: its folder and manifest. Only <see cref="ModelRegistry"/> creates these, after checking every sha256.</summary>
public sealed record PublishedModel(string Version, string Directory, ModelManifest Manifest)
{
    /// <summary>Absolute path of a file of the version, by its path relative to the version folder.</summary>
    public string PathOf(string relativePath) => Path.Combine(Directory, relativePath.Replace('/', Path.DirectorySeparatorChar));
}
