using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;
using Flip.FeatureStore.Vocabulary;

namespace Flip.Ingest.Worker;

/// <summary>
/// The store's feature vocabulary (<c>&lt;store&gt;/vocab</c>, loaded at start when present): observes every stored
/// event and saves a new version when it admitted new values (before the batch's commit, so ids of committed events
/// are always on disk), or, for count-only changes, every <see cref="IngestOptions.VocabularySaveInterval"/> and on
/// stop. Keeps the newest version plus <see cref="IngestOptions.VocabularyVersionsKept"/> older ones. Thread-safe
/// (writer threads share it).
/// </summary>
internal sealed class VocabularySaver
{
    private readonly object _gate = new();
    private readonly string _directory;
    private readonly IngestOptions _options;
    private readonly FeatureVocabulary _vocabulary;
    private int _savedCount;
    private bool _dirty;
    private long _savedAtMs;

    public VocabularySaver(string directory, DatasetSchema schema, IngestOptions options)
    {
        _directory = directory;
        _options = options;
        _vocabulary = FeatureVocabulary.LatestPath(directory) is not null ? FeatureVocabulary.LoadLatest(directory, schema) : new FeatureVocabulary(schema);
        _savedCount = _vocabulary.Count;
    }

    /// <summary>Counts the events' values and saves when the save rule says so.</summary>
    public void Observe(IReadOnlyList<ClickEvent> events)
    {
        lock (_gate)
        {
            foreach (var e in events) _vocabulary.Observe(e);
            _dirty = true;
            SaveIfDue(force: false);
        }
    }

    /// <summary>Saves pending counts now (graceful stop).</summary>
    public void SaveNow()
    {
        lock (_gate) SaveIfDue(force: true);
    }

    private void SaveIfDue(bool force)
    {
        bool grown = _vocabulary.Count != _savedCount;
        if (!grown && !(_dirty && (force || Environment.TickCount64 - _savedAtMs >= _options.VocabularySaveInterval.TotalMilliseconds))) return;
        _dirty = false;
        _savedAtMs = Environment.TickCount64;
        _vocabulary.Save(_directory);
        _savedCount = _vocabulary.Count;
        var versions = Directory.EnumerateFiles(_directory, "vocabulary-v*.json").Order(StringComparer.Ordinal).ToList();
        for (int i = 0; i < versions.Count - 1 - _options.VocabularyVersionsKept; i++) File.Delete(versions[i]);
    }
}
