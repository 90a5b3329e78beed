using System.Text;
using System.Text.Json;

namespace Flip.Registry;

/// <summary>
/// The append-only JSON-lines log of per-window evaluations (<c>&lt;registry&gt;/evaluation.jsonl</c>). Invariants:
/// every complete line ends with <c>\n</c> and is fsynced before <see cref="Append"/> returns; a torn last line (a
/// crash mid-append) is ignored by <see cref="ReadAll"/> and cut off by the next <see cref="Append"/>;
/// <see cref="TruncateFrom"/> lets a resuming trainer drop lines of windows its checkpoint does not cover, so the log
/// holds each window exactly once.
/// </summary>
public sealed class EvaluationLog(string path, bool fsync = true)
{
    public const string FileName = "evaluation.jsonl";

    public string Path { get; } = path;

    /// <summary>The complete lines, in file order.</summary>
    public IReadOnlyList<WindowEvaluation> ReadAll()
    {
        if (!File.Exists(Path)) return [];
        var bytes = File.ReadAllBytes(Path);
        var result = new List<WindowEvaluation>();
        int start = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != (byte)'\n') continue;
            if (i > start)
            {
                result.Add(JsonSerializer.Deserialize<WindowEvaluation>(bytes.AsSpan(start, i - start), RegistryJson.Options)
                    ?? throw new InvalidDataException($"{Path}: empty evaluation line."));
            }
            start = i + 1;
        }
        return result;
    }

    /// <summary>Appends one line durably (cutting a torn tail first).</summary>
    public void Append(WindowEvaluation evaluation)
    {
        System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        using var stream = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite);
        stream.SetLength(CompleteLength(stream));
        stream.Seek(0, SeekOrigin.End);
        stream.Write(JsonSerializer.SerializeToUtf8Bytes(evaluation, RegistryJson.Options));
        stream.WriteByte((byte)'\n');
        if (fsync) stream.Flush(flushToDisk: true);
    }

    /// <summary>Removes every line whose window is <paramref name="window"/> or later (and a torn tail).</summary>
    public void TruncateFrom(long window)
    {
        if (!File.Exists(Path)) return;
        var kept = ReadAll().Where(e => e.Window < window).ToList();
        var text = new StringBuilder();
        foreach (var e in kept) text.Append(JsonSerializer.Serialize(e, RegistryJson.Options)).Append('\n');
        string temp = Path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            stream.Write(Encoding.UTF8.GetBytes(text.ToString()));
            if (fsync) stream.Flush(flushToDisk: true);
        }
        File.Move(temp, Path, overwrite: true);
        if (fsync) Flip.FeatureStore.Store.DurableFileSystem.SyncDirectory(System.IO.Path.GetDirectoryName(Path)!);
    }

    private static long CompleteLength(FileStream stream)
    {
        long length = stream.Length;
        if (length == 0) return 0;
        // Walk back to the last newline: everything after it is a torn line.
        var buffer = new byte[1];
        for (long position = length - 1; position >= 0; position--)
        {
            stream.Seek(position, SeekOrigin.Begin);
            stream.ReadExactly(buffer);
            if (buffer[0] == (byte)'\n') return position + 1;
        }
        return 0;
    }
}
