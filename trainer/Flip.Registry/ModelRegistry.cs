using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Flip.FeatureStore.Store;

namespace Flip.Registry;

/// <summary>
/// The model registry on disk (layout in docs/architecture.md):
/// <code>
/// &lt;root&gt;/models/&lt;version&gt;/   manifest.json (written last) + the model's checkpoint files
/// &lt;root&gt;/LATEST                 the newest published version (one line)
/// &lt;root&gt;/PINNED                 optional: the version readers must serve instead of LATEST
/// &lt;root&gt;/evaluation.jsonl       the trainer's per-window prequential evaluation (<see cref="EvaluationLog"/>)
/// </code>
/// Invariants: a folder under <c>models/</c> named like a version is complete (it appears by one atomic rename of a
/// staging folder whose files and manifest were fsynced first); <c>LATEST</c> and <c>PINNED</c> are replaced by
/// rename, so a reader sees the old or the new pointer, never a torn one; <c>LATEST</c> only ever names a version
/// whose rename is durable; retention never removes the version <c>LATEST</c> or <c>PINNED</c> names. One publisher
/// per registry (the trainer); any number of readers.
/// </summary>
public sealed class ModelRegistry
{
    public const string ModelsFolder = "models";
    public const string ManifestFileName = "manifest.json";
    public const string LatestFileName = "LATEST";
    public const string PinnedFileName = "PINNED";
    private const string StagingPrefix = ".tmp-";
    private const int VersionDigits = 6;

    private readonly RegistryOptions _options;

    public ModelRegistry(RegistryOptions options)
    {
        if (options.Keep < 1) throw new ArgumentOutOfRangeException(nameof(options), "Registry:Keep must be at least 1.");
        _options = options;
        Root = Path.GetFullPath(options.Root);
    }

    public ModelRegistry(string root) : this(new RegistryOptions { Root = root }) { }

    public string Root { get; }

    public string ModelsDirectory => Path.Combine(Root, ModelsFolder);

    /// <summary>The per-window evaluation log beside the models.</summary>
    public EvaluationLog Evaluation => new(Path.Combine(Root, EvaluationLog.FileName), _options.Fsync);

    /// <summary>Formats a version number the way folders are named (<c>000042</c>).</summary>
    public static string FormatVersion(long number) => number.ToString(new string('0', VersionDigits), CultureInfo.InvariantCulture);

    /// <summary>True when <paramref name="text"/> is a version name (digits only).</summary>
    public static bool IsVersion(string text) => text.Length > 0 && text.All(char.IsAsciiDigit);

    /// <summary>
    /// Creates the registry folders, or fails with an <see cref="IOException"/> whose one-line message names the
    /// folder when it cannot be written (a file in the way, no rights, a read-only disk).
    /// </summary>
    public void EnsureWritable()
    {
        try
        {
            DurableFileSystem.CreateDirectoryDurably(ModelsDirectory, _options.Fsync);
            var probe = Path.Combine(ModelsDirectory, $"{StagingPrefix}probe-{Guid.NewGuid():N}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"The model registry {Root} cannot be written: {e.Message}", e);
        }
    }

    /// <summary>
    /// Publishes a new version: <paramref name="writeFiles"/> fills a fresh staging folder (e.g. with a checkpoint),
    /// then the registry hashes every file, writes the manifest, fsyncs, renames the folder to the next version,
    /// moves <c>LATEST</c> to it and applies retention. The manifest's <c>Version</c>, <c>CreatedUtc</c> and
    /// <c>Files</c> are filled in here. Leftover staging folders of a crashed publish are removed first.
    /// </summary>
    public PublishedModel Publish(ModelManifest manifest, Action<string> writeFiles)
    {
        EnsureWritable();
        foreach (var stale in Directory.EnumerateDirectories(ModelsDirectory, StagingPrefix + "*")) Directory.Delete(stale, recursive: true);

        string version = FormatVersion(NextVersionNumber());
        string staging = Path.Combine(ModelsDirectory, StagingPrefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(staging);
        writeFiles(staging);
        if (File.Exists(Path.Combine(staging, ManifestFileName)))
            throw new InvalidOperationException($"The model files may not include {ManifestFileName}: the registry writes it.");

        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(staging, "*", SearchOption.AllDirectories))
        {
            if (_options.Fsync) FlushFile(path);
            files[RelativeName(staging, path)] = Sha256Of(path);
        }
        var complete = manifest with { Version = version, CreatedUtc = DateTime.UtcNow, Files = files };
        WriteFileDurably(Path.Combine(staging, ManifestFileName), JsonSerializer.SerializeToUtf8Bytes(complete, RegistryJson.Indented));
        if (_options.Fsync)
        {
            foreach (var directory in Directory.EnumerateDirectories(staging, "*", SearchOption.AllDirectories)) DurableFileSystem.SyncDirectory(directory);
            DurableFileSystem.SyncDirectory(staging);
        }

        string target = Path.Combine(ModelsDirectory, version);
        Directory.Move(staging, target); // fails if the version exists: a second publisher is refused, never overwritten
        if (_options.Fsync) DurableFileSystem.SyncDirectory(ModelsDirectory);
        WritePointer(LatestFileName, version);
        ApplyRetention();
        return new PublishedModel(version, target, complete);
    }

    /// <summary>Versions present under <c>models/</c>, oldest first (not verified).</summary>
    public IReadOnlyList<string> ListVersions() =>
        !Directory.Exists(ModelsDirectory) ? [] :
        Directory.EnumerateDirectories(ModelsDirectory).Select(Path.GetFileName).OfType<string>()
            .Where(IsVersion).OrderBy(v => long.Parse(v, CultureInfo.InvariantCulture)).ToList();

    /// <summary>The version <c>LATEST</c> names, or null when nothing was published yet.</summary>
    public string? LatestVersion => ReadPointer(LatestFileName);

    /// <summary>The version <c>PINNED</c> names, or null.</summary>
    public string? PinnedVersion => ReadPointer(PinnedFileName);

    /// <summary>What readers should serve: the pinned version if any, else the latest; null when the registry is empty.</summary>
    public string? ServingVersion => PinnedVersion ?? LatestVersion;

    /// <summary>Pins a version (it must exist and verify); readers serve it instead of <c>LATEST</c> until <see cref="Unpin"/>.</summary>
    public void Pin(string version)
    {
        Open(version);
        WritePointer(PinnedFileName, version);
    }

    public void Unpin()
    {
        var path = Path.Combine(Root, PinnedFileName);
        if (!File.Exists(path)) return;
        File.Delete(path);
        if (_options.Fsync) DurableFileSystem.SyncDirectory(Root);
    }

    /// <summary>
    /// Reads a version and verifies it: the manifest parses and names this version, every file it lists exists with
    /// that sha256, and no other file is present. Throws <see cref="CorruptModelException"/> naming the file otherwise.
    /// </summary>
    public PublishedModel Open(string version)
    {
        if (!IsVersion(version)) throw new ArgumentException($"'{version}' is not a model version (digits, e.g. 000042).", nameof(version));
        string directory = Path.Combine(ModelsDirectory, version);
        if (!Directory.Exists(directory)) throw new CorruptModelException(version, directory, "no such version folder");
        string manifestPath = Path.Combine(directory, ManifestFileName);
        if (!File.Exists(manifestPath)) throw new CorruptModelException(version, ManifestFileName, "missing (a half-written or foreign folder)");
        ModelManifest? manifest;
        try { manifest = JsonSerializer.Deserialize<ModelManifest>(File.ReadAllBytes(manifestPath), RegistryJson.Options); }
        catch (JsonException e) { throw new CorruptModelException(version, ManifestFileName, $"not valid JSON ({e.Message})"); }
        if (manifest is null) throw new CorruptModelException(version, ManifestFileName, "empty");
        if (manifest.FormatVersion != ModelManifest.CurrentFormatVersion)
            throw new CorruptModelException(version, ManifestFileName, $"format {manifest.FormatVersion}, this reader knows {ModelManifest.CurrentFormatVersion}");
        if (manifest.Version != version) throw new CorruptModelException(version, ManifestFileName, $"names version '{manifest.Version}'");

        foreach (var path in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            string name = RelativeName(directory, path);
            if (name != ManifestFileName && !manifest.Files.ContainsKey(name)) throw new CorruptModelException(version, name, "not listed in the manifest");
        }
        foreach (var (name, sha256) in manifest.Files)
        {
            string path = Path.Combine(directory, name.Replace('/', Path.DirectorySeparatorChar));
            if (!File.Exists(path)) throw new CorruptModelException(version, name, "missing");
            string actual = Sha256Of(path);
            if (!string.Equals(actual, sha256, StringComparison.OrdinalIgnoreCase))
                throw new CorruptModelException(version, name, $"sha256 {actual} does not match the manifest's {sha256}");
        }
        return new PublishedModel(version, directory, manifest);
    }

    /// <summary>The verified serving version (<see cref="ServingVersion"/>), or null when the registry is empty.</summary>
    public PublishedModel? OpenServing() => ServingVersion is { } v ? Open(v) : null;

    private long NextVersionNumber()
    {
        long newest = 0;
        foreach (var v in ListVersions()) newest = Math.Max(newest, long.Parse(v, CultureInfo.InvariantCulture));
        if (LatestVersion is { } latest && IsVersion(latest)) newest = Math.Max(newest, long.Parse(latest, CultureInfo.InvariantCulture));
        return newest + 1;
    }

    private void ApplyRetention()
    {
        var keep = new HashSet<string>(StringComparer.Ordinal);
        var versions = ListVersions();
        foreach (var v in versions.TakeLast(_options.Keep)) keep.Add(v);
        if (LatestVersion is { } latest) keep.Add(latest);
        if (PinnedVersion is { } pinned) keep.Add(pinned);
        foreach (var v in versions.Where(v => !keep.Contains(v)))
        {
            // Renamed out of the version namespace first, so no reader ever opens a half-deleted version.
            string doomed = Path.Combine(ModelsDirectory, $"{StagingPrefix}removed-{v}-{Guid.NewGuid():N}");
            Directory.Move(Path.Combine(ModelsDirectory, v), doomed);
            Directory.Delete(doomed, recursive: true);
        }
    }

    private string? ReadPointer(string name)
    {
        var path = Path.Combine(Root, name);
        if (!File.Exists(path)) return null;
        string text = File.ReadAllText(path).Trim();
        return text.Length == 0 ? null : text;
    }

    private void WritePointer(string name, string version)
    {
        Directory.CreateDirectory(Root);
        string path = Path.Combine(Root, name);
        string temp = path + StagingPrefix + Guid.NewGuid().ToString("N");
        WriteFileDurably(temp, System.Text.Encoding.UTF8.GetBytes(version + "\n"));
        File.Move(temp, path, overwrite: true);
        if (_options.Fsync) DurableFileSystem.SyncDirectory(Root);
    }

    private void WriteFileDurably(string path, byte[] bytes)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        stream.Write(bytes);
        if (_options.Fsync) stream.Flush(flushToDisk: true);
    }

    private static void FlushFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Flush(flushToDisk: true);
    }

    private static string RelativeName(string directory, string path) => Path.GetRelativePath(directory, path).Replace(Path.DirectorySeparatorChar, '/');

    internal static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
