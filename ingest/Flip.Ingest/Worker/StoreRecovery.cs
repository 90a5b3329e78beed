using Flip.FeatureStore.Store;
using Microsoft.Extensions.Logging;

namespace Flip.Ingest.Worker;

/// <summary>Deletes store files a crashed worker wrote for offsets it never committed (see <see cref="IngestWorker"/>).</summary>
internal static class StoreRecovery
{
    /// <summary>
    /// Removes every file of <paramref name="topic"/>/<paramref name="partition"/> whose first offset is at or after
    /// <paramref name="committed"/> (all of the partition's files when nothing was committed, <paramref name="committed"/> &lt; 0).
    /// Returns how many files were removed.
    /// </summary>
    public static int RemoveUncommitted(ParquetEventStore store, string topic, int partition, long committed, ILogger log)
    {
        int removed = 0;
        foreach (var file in store.ListFiles())
        {
            if (!BatchSourceId.TryParse(file.SourceId, out var id) || id.Topic != topic || id.Partition != partition) continue;
            if (committed >= 0 && id.FirstOffset < committed)
            {
                if (id.LastOffset >= committed)
                    log.LogWarning("Store file {File} spans committed offset {Committed}; it was not written by this worker's batching and is left alone.", file.Path, committed);
                continue;
            }
            File.Delete(file.Path);
            removed++;
            log.LogInformation("Removed {File}: offsets {First}-{Last} of {Topic}/{Partition} were never committed and will be consumed again.",
                file.Path, id.FirstOffset, id.LastOffset, topic, partition);
        }
        return removed;
    }

    /// <summary>
    /// Ids of the newest events the store holds for a partition, oldest first: whole batches (all hour files of one offset
    /// range), newest range first, until at least <paramref name="count"/> ids are collected. Call after
    /// <see cref="RemoveUncommitted"/> so only committed batches count.
    /// </summary>
    public static List<string> RecentIds(ParquetEventStore store, string topic, int partition, int count)
    {
        var batches = new List<(BatchSourceId Id, List<StoreFile> Files)>();
        foreach (var group in store.ListFiles().GroupBy(f => f.SourceId, StringComparer.Ordinal))
        {
            if (BatchSourceId.TryParse(group.Key, out var id) && id.Topic == topic && id.Partition == partition)
                batches.Add((id, group.OrderBy(f => f.Hour).ToList()));
        }
        var newestFirst = new List<List<string>>();
        int collected = 0;
        foreach (var (_, files) in batches.OrderByDescending(b => b.Id.LastOffset))
        {
            if (collected >= count) break;
            var ids = files.SelectMany(store.ReadIds).ToList();
            newestFirst.Add(ids);
            collected += ids.Count;
        }
        newestFirst.Reverse();
        return newestFirst.SelectMany(ids => ids).ToList();
    }
}
