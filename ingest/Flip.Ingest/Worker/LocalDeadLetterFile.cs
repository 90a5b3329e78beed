using System.Text.Json;

namespace Flip.Ingest.Worker;

/// <summary>A dead letter the dead-letter topic would not take: where it came from, why it was refused, and why Kafka refused it.</summary>
/// <param name="OriginalSize">Bytes of the original message.</param>
/// <param name="Error">What the dead-letter topic (or the producer) answered.</param>
public sealed record LocalDeadLetter(string Topic, int Partition, long Offset, string Reason, string Message, int OriginalSize, string Error);

/// <summary>
/// The last resort for dead letters: one JSON object per line in <c>&lt;store&gt;/ingest/dead-letters.jsonl</c>
/// (<c>topic</c>, <c>partition</c>, <c>offset</c>, <c>reason</c>, <c>message</c>, <c>originalSize</c>, <c>error</c>),
/// appended and fsync'd before the batch's offsets are committed. The payload itself stays in the source topic at that
/// offset (until retention removes it).
/// </summary>
public sealed class LocalDeadLetterFile(string path)
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
    private readonly object _gate = new();

    /// <summary>File name under the store's ingest folder.</summary>
    public const string FileName = "dead-letters.jsonl";

    public string Path { get; } = path;

    public void Append(LocalDeadLetter record)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(record, Json);
        lock (_gate)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
            stream.Write(line);
            stream.WriteByte((byte)'\n');
            stream.Flush(flushToDisk: true);
        }
    }

    /// <summary>Every record in the file (empty when there is none).</summary>
    public IReadOnlyList<LocalDeadLetter> ReadAll() => !File.Exists(Path) ? []
        : File.ReadLines(Path).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<LocalDeadLetter>(l, Json)!).ToList();
}
