namespace Flip.FeatureStore;

/// <summary>
/// The one finder of the repository root: the folder holding <see cref="SolutionFile"/>. The shared data (datasets, the
/// BERT vocabulary) lives in <c>shared/</c> beside the checkout, so defaults that point there are resolved here, by
/// entry points (the CLI, tests), never baked into library options.
/// </summary>
public static class RepositoryRoot
{
    public const string SolutionFile = "Flip.Streaming.sln";

    /// <summary>The nearest folder at or above <paramref name="start"/> that holds <see cref="SolutionFile"/>, or null.</summary>
    public static string? FindAbove(string start)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile))) return dir.FullName;
        return null;
    }

    /// <summary>The root above the current folder, else above the running binaries; null outside a checkout.</summary>
    public static string? Find() => FindAbove(Directory.GetCurrentDirectory()) ?? FindAbove(AppContext.BaseDirectory);

    /// <summary>
    /// <c>&lt;root&gt;/../shared/&lt;parts&gt;</c> (full path); outside a checkout, <c>../shared/&lt;parts&gt;</c> relative to the
    /// current folder.
    /// </summary>
    public static string SharedPath(params string[] parts) =>
        Path.GetFullPath(Path.Combine([Find() ?? Directory.GetCurrentDirectory(), "..", "shared", .. parts]));
}
