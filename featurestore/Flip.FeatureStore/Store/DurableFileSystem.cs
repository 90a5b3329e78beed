using System.Runtime.InteropServices;

namespace Flip.FeatureStore.Store;

/// <summary>
/// The fsync steps .NET does not expose: a rename or a new file is durable only once its folder's entry
/// is flushed too. Linux only; elsewhere these are no-ops (the file data itself is still flushed by
/// <see cref="FileStream.Flush(bool)"/>).
/// </summary>
public static partial class DurableFileSystem
{
    private const int ReadOnly = 0; // O_RDONLY; a folder opened read-only can be fsync'd on Linux.

    /// <summary>Flushes a folder's entries (names created, renamed or removed in it) to disk.</summary>
    public static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux()) return;
        int fd = Open(directory, ReadOnly);
        if (fd < 0)
        {
            int error = Marshal.GetLastPInvokeError();
            throw new IOException($"Cannot open folder '{directory}' to fsync it (errno {error}).");
        }
        try
        {
            if (Fsync(fd) != 0)
            {
                int error = Marshal.GetLastPInvokeError();
                // EINVAL: the file system does not support fsync on folders; nothing more can be done.
                if (error != 22) throw new IOException($"fsync of folder '{directory}' failed (errno {error}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>Creates a folder and its missing parents, fsyncing each parent that gained an entry.</summary>
    public static void CreateDirectoryDurably(string directory, bool fsync)
    {
        var missing = new Stack<string>();
        for (var d = Path.GetFullPath(directory); !Directory.Exists(d); d = Path.GetDirectoryName(d)!)
        {
            missing.Push(d);
            if (Path.GetDirectoryName(d) is null) break;
        }
        Directory.CreateDirectory(directory);
        if (!fsync) return;
        foreach (var created in missing)
        {
            if (Path.GetDirectoryName(created) is { } parent) SyncDirectory(parent);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
