using Flip.FeatureStore.Events;
using Flip.FeatureStore.Readers;
using Flip.FeatureStore.Schema;

namespace Flip.Cli;

/// <summary>Reading a dataset's events for a command.</summary>
internal static class DatasetEvents
{
    /// <summary>The dataset's events in chronological order: all of them, or the first <paramref name="limit"/>.</summary>
    public static (DatasetSchema Schema, List<ClickEvent> Events) Read(string dataset, string path, int? limit)
    {
        var reader = DatasetCatalog.Open(dataset, path);
        var events = limit is { } n ? reader.ReadEvents().Take(n).ToList() : reader.ReadEvents().ToList();
        return (reader.Schema, events);
    }
}
