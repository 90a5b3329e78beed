using System.Runtime.InteropServices;

namespace Flip.Ingest.Worker;

/// <summary>
/// One <c>syncfs(2)</c> for the file system holding a folder: every written file, rename and new folder on it is on
/// disk when it returns. Lets the worker make a whole batch of hour files durable with one call instead of an fsync
/// per file and per folder.
/// </summary>
internal static partial class FileSystemSync
{
    private const int ReadOnly = 0, Directory = 0x10000; // O_RDONLY, O_DIRECTORY (Linux)

    /// <summary>True where syncfs exists (Linux).</summary>
    public static bool IsSupported => OperatingSystem.IsLinux();

    public static void SyncFileSystemOf(string folder)
    {
        int fd = open(folder, ReadOnly | Directory);
        if (fd < 0) throw new IOException($"Cannot open {folder} to sync it (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (syncfs(fd) != 0) throw new IOException($"syncfs failed for {folder} (errno {Marshal.GetLastPInvokeError()}).");
        }
        finally
        {
            close(fd);
        }
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int syncfs(int fd);

    [LibraryImport("libc")]
    private static partial int close(int fd);
}
