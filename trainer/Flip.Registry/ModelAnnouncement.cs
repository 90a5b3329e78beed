using System.Text.Json;

namespace Flip.Registry;

/// <summary>
/// The value of a <c>flip.models</c> message (key = <see cref="ModelManifest.ModelName"/>), sent after a version is
/// published: <c>{ "version": "000042", "path": "models/000042", "kind": "flip-id", "dataWatermarkUtc": ..., "metrics": {...} }</c>.
/// An announcement is only a hint: the receiver still reads and verifies the version from the registry.
/// </summary>
public sealed record ModelAnnouncement(string Version, string Path, string Kind, DateTime? DataWatermarkUtc, Dictionary<string, double> Metrics)
{
    public static ModelAnnouncement Of(PublishedModel model) => new(
        model.Version, $"{ModelRegistry.ModelsFolder}/{model.Version}", model.Manifest.Kind, model.Manifest.DataWatermarkUtc, model.Manifest.Metrics);

    public byte[] ToJsonBytes() => JsonSerializer.SerializeToUtf8Bytes(this, RegistryJson.Options);

    /// <summary>Parses an announcement; throws <see cref="JsonException"/> on malformed input.</summary>
    public static ModelAnnouncement Parse(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<ModelAnnouncement>(json, RegistryJson.Options) ?? throw new JsonException("Empty model announcement.");
}
