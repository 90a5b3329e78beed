using System.Globalization;

namespace Flip.Ingest.Worker;

/// <summary>
/// Names the store files of one flushed batch: <c>&lt;topic&gt;-&lt;partition&gt;-&lt;firstOffset&gt;-&lt;lastOffset&gt;</c>
/// (offsets inclusive, zero-padded to 20 digits so names sort by offset). The name says exactly which
/// Kafka messages a file holds, which is what crash recovery relies on (see <see cref="IngestWorker"/>).
/// </summary>
public readonly record struct BatchSourceId(string Topic, int Partition, long FirstOffset, long LastOffset)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Topic}-{Partition}-{FirstOffset:D20}-{LastOffset:D20}");

    /// <summary>Parses a file's source id; false for ids this worker did not write.</summary>
    public static bool TryParse(string sourceId, out BatchSourceId id)
    {
        id = default;
        int last = sourceId.LastIndexOf('-');
        if (last <= 0) return false;
        int first = sourceId.LastIndexOf('-', last - 1);
        if (first <= 0) return false;
        int partition = sourceId.LastIndexOf('-', first - 1);
        if (partition <= 0) return false;
        var c = CultureInfo.InvariantCulture;
        if (!int.TryParse(sourceId.AsSpan(partition + 1, first - partition - 1), NumberStyles.None, c, out int p)) return false;
        if (!long.TryParse(sourceId.AsSpan(first + 1, last - first - 1), NumberStyles.None, c, out long a)) return false;
        if (!long.TryParse(sourceId.AsSpan(last + 1), NumberStyles.None, c, out long b)) return false;
        id = new BatchSourceId(sourceId[..partition], p, a, b);
        return true;
    }
}
