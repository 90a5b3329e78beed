namespace Flip.FeatureStore.Store;

/// <summary>
/// Where everything of a store lives under its root. The store owns this layout; writers (the ingest) and readers
/// (trainers) find the schema, the events and the vocabulary here instead of being told:
/// <code>
/// &lt;root&gt;/schema.json                                   the store's DatasetSchema (written at the first write)
/// &lt;root&gt;/events/date=YYYY-MM-DD/hour=HH/&lt;source&gt;.parquet  the events, one folder per event-time hour
/// &lt;root&gt;/vocab/vocabulary-v&lt;count&gt;.json                  feature vocabulary versions (newest = highest count)
/// &lt;root&gt;/ingest/                                       state private to the ingest worker (dead-letter file, dedup window)
/// </code>
/// </summary>
public sealed class StoreLayout
{
    /// <summary>Name of the schema file under the root.</summary>
    public const string SchemaFileName = "schema.json";

    /// <summary>Name of the folder under the root that holds the event partitions.</summary>
    public const string EventsFolder = "events";

    /// <summary>Name of the folder under the root that holds the vocabulary versions.</summary>
    public const string VocabularyFolder = "vocab";

    /// <summary>Name of the folder under the root for the ingest worker's own state.</summary>
    public const string IngestFolder = "ingest";

    /// <param name="root">The store folder (made absolute).</param>
    public StoreLayout(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    /// <summary><c>&lt;root&gt;/schema.json</c>.</summary>
    public string SchemaFile => Path.Combine(Root, SchemaFileName);

    /// <summary><c>&lt;root&gt;/events</c>.</summary>
    public string EventsDirectory => Path.Combine(Root, EventsFolder);

    /// <summary><c>&lt;root&gt;/vocab</c>: pass to <c>FeatureVocabulary.Save</c> / <c>LoadLatest</c>.</summary>
    public string VocabularyDirectory => Path.Combine(Root, VocabularyFolder);

    /// <summary><c>&lt;root&gt;/ingest</c>: the ingest worker's local files (not read by trainers).</summary>
    public string IngestDirectory => Path.Combine(Root, IngestFolder);
}
