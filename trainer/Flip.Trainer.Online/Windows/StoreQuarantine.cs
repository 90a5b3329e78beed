using Flip.FeatureStore.Store;

namespace Flip.Trainer.Online;

/// <summary>
/// Moves a store file the trainer cannot read to <c>&lt;store&gt;/quarantine/&lt;same relative path&gt;</c> with a
/// <c>.reason</c> file beside it, so the trainer (and any other reader) carries on without it and a person can look.
/// </summary>
public sealed class StoreQuarantine(ParquetEventStore store)
{
    public const string FolderName = "quarantine";

    public string Directory => Path.Combine(store.Root, FolderName);

    /// <summary>Moves the file aside (replacing an earlier quarantined copy of the same name) and returns its new path.</summary>
    public string Quarantine(StoreFile file, string reason)
    {
        string relative = Path.GetRelativePath(store.EventsDirectory, file.Path);
        string target = Path.Combine(Directory, relative);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Move(file.Path, target, overwrite: true);
        File.WriteAllText(target + ".reason", $"{DateTime.UtcNow:O} {reason}\n");
        return target;
    }
}
