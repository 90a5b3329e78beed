using System.Text.Json.Serialization;

namespace Flip.Registry;

/// <summary>The PLM a model was trained with: its name, how many encoder layers were kept, and the sha256 of its weights.</summary>
public sealed record PlmIdentity(string Name, int Layers, string Sha256);

/// <summary>
/// <c>models/&lt;version&gt;/manifest.json</c>: what a published model is and the sha256 of every other file of its
/// folder. Written last: a folder without it (or whose files do not match it) is not a model.
/// </summary>
public sealed record ModelManifest
{
    public const int CurrentFormatVersion = 1;

    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>Zero-padded monotonic version, e.g. <c>000042</c> (filled in by <see cref="ModelRegistry.Publish"/>).</summary>
    public string Version { get; init; } = "";

    /// <summary>Name of the model line (the Kafka key of its announcements), e.g. <c>movielens-1m-dcnv2</c>.</summary>
    public required string ModelName { get; init; }

    /// <summary>An ID-zoo model name (<c>dcnv2</c>, ...) or one of <see cref="ModelKinds"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>Name of the dataset schema the model reads (the store's schema).</summary>
    public required string Dataset { get; init; }

    /// <summary>Wall-clock time of the publish (filled in by <see cref="ModelRegistry.Publish"/>).</summary>
    public DateTime CreatedUtc { get; init; }

    /// <summary>Event time of the newest event the model was trained on.</summary>
    public DateTime? DataWatermarkUtc { get; init; }

    /// <summary>Windows trained so far (the index of the next window to train).</summary>
    public long WindowCursor { get; init; }

    /// <summary>The version this one continued from, or null for the first.</summary>
    public string? ParentVersion { get; init; }

    /// <summary>Version of the feature vocabulary the model's ids come from.</summary>
    public long VocabularyVersion { get; init; }

    /// <summary>The PLM, or null for models that do not use one.</summary>
    public PlmIdentity? Plm { get; init; }

    /// <summary>Prequential metrics of recent windows, e.g. <c>prequentialAuc</c>, <c>logloss</c>, <c>windows</c>.</summary>
    public Dictionary<string, double> Metrics { get; init; } = new(StringComparer.Ordinal);

    /// <summary>sha256 (lowercase hex) of every file of the version folder but the manifest, keyed by path relative to it with <c>/</c>.</summary>
    public SortedDictionary<string, string> Files { get; init; } = new(StringComparer.Ordinal);

    [JsonIgnore]
    public bool NeedsPlm => ModelKinds.NeedsPlm(Kind);
}
