using System.Globalization;
using System.Text.Json;
using Flip.FeatureStore.Store;

namespace Flip.Trainer.Online;

/// <summary>
/// The worker's resume snapshots: <c>&lt;state&gt;/snapshot-&lt;n&gt;/</c> (learner files, <c>pending.bin</c>, then
/// <c>state.json</c>), made atomic as a registry version is: filled in <c>.tmp-&lt;guid&gt;/</c>, fsynced, renamed, then
/// <c>CURRENT</c> replaced by rename. A snapshot folder without <c>state.json</c> is ignored; older snapshots are removed
/// once <c>CURRENT</c> names a newer one. Trainer-only files (optimizer state, pending windows) live here, never in
/// the registry's version folders.
/// </summary>
public sealed class TrainerStateStore(string directory, bool fsync)
{
    public const string StateFileName = "state.json";
    public const string PendingFileName = "pending.bin";
    private const string CurrentFileName = "CURRENT";
    private const string SnapshotPrefix = "snapshot-";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Directory { get; } = Path.GetFullPath(directory);

    /// <summary>The current snapshot's folder and checkpoint, or null when there is none.</summary>
    public (string Folder, TrainerCheckpoint Checkpoint)? LoadCurrent()
    {
        string currentPath = Path.Combine(Directory, CurrentFileName);
        if (!File.Exists(currentPath)) return null;
        string folder = Path.Combine(Directory, File.ReadAllText(currentPath).Trim());
        string statePath = Path.Combine(folder, StateFileName);
        if (!File.Exists(statePath)) throw new InvalidDataException($"{currentPath} names {folder}, which has no {StateFileName} (the state folder was altered).");
        var checkpoint = JsonSerializer.Deserialize<TrainerCheckpoint>(File.ReadAllText(statePath), Json)
            ?? throw new InvalidDataException($"{statePath}: empty.");
        if (checkpoint.FormatVersion != TrainerCheckpoint.CurrentFormatVersion)
            throw new TrainerConfigurationException($"{statePath}: state format {checkpoint.FormatVersion}, this trainer knows {TrainerCheckpoint.CurrentFormatVersion}.");
        return (folder, checkpoint);
    }

    /// <summary>Writes a new snapshot: <paramref name="writeFiles"/> fills the staging folder, then the checkpoint goes last.</summary>
    public void Save(TrainerCheckpoint checkpoint, Action<string> writeFiles)
    {
        DurableFileSystem.CreateDirectoryDurably(Directory, fsync);
        foreach (var stale in System.IO.Directory.EnumerateDirectories(Directory, ".tmp-*")) System.IO.Directory.Delete(stale, recursive: true);
        string staging = Path.Combine(Directory, ".tmp-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(staging);
        writeFiles(staging);
        checkpoint.SavedUtc = DateTime.UtcNow;
        File.WriteAllText(Path.Combine(staging, StateFileName), JsonSerializer.Serialize(checkpoint, Json));
        if (fsync)
        {
            foreach (var file in System.IO.Directory.EnumerateFiles(staging, "*", SearchOption.AllDirectories))
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
                stream.Flush(flushToDisk: true);
            }
            DurableFileSystem.SyncDirectory(staging);
        }
        string name = SnapshotPrefix + NextNumber().ToString("D8", CultureInfo.InvariantCulture);
        System.IO.Directory.Move(staging, Path.Combine(Directory, name));
        if (fsync) DurableFileSystem.SyncDirectory(Directory);

        string current = Path.Combine(Directory, CurrentFileName);
        string temp = current + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            stream.Write(System.Text.Encoding.UTF8.GetBytes(name + "\n"));
            if (fsync) stream.Flush(flushToDisk: true);
        }
        File.Move(temp, current, overwrite: true);
        if (fsync) DurableFileSystem.SyncDirectory(Directory);

        foreach (var old in Snapshots().Where(s => s != name))
            System.IO.Directory.Delete(Path.Combine(Directory, old), recursive: true);
    }

    private IEnumerable<string> Snapshots() =>
        System.IO.Directory.EnumerateDirectories(Directory, SnapshotPrefix + "*").Select(Path.GetFileName).OfType<string>().ToList();

    private long NextNumber()
    {
        long newest = 0;
        foreach (var s in Snapshots())
            if (long.TryParse(s.AsSpan(SnapshotPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long n)) newest = Math.Max(newest, n);
        return newest + 1;
    }
}
