using System.Text.Json;
using System.Text.Json.Serialization;
using Flip.FeatureStore.Schema;

namespace Flip.FeatureStore.Store;

/// <summary>
/// Reads and writes a store's <c>schema.json</c>: the dataset name, the fields in column order (wire name, text name,
/// kind) and the label rule. Written atomically (temp file, fsync, rename, folder fsync), so a reader sees either no
/// schema or the whole of it.
/// </summary>
public static class StoreSchemaFile
{
    /// <summary>Version of the file layout; a reader refuses a file of a newer one.</summary>
    public const int FormatVersion = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private sealed record FieldDto(string Name, string TextName, FieldKind Kind);
    private sealed record LabelDto(double PositiveAbove, double? NegativeBelow);
    private sealed record FileDto(int Format, string Name, List<FieldDto> Fields, LabelDto LabelRule);

    /// <summary>The JSON text for <paramref name="schema"/>.</summary>
    public static string Serialize(DatasetSchema schema) => JsonSerializer.Serialize(
        new FileDto(FormatVersion, schema.Name, schema.Fields.Select(f => new FieldDto(f.Name, f.TextName, f.Kind)).ToList(),
            new LabelDto(schema.LabelRule.PositiveAbove, schema.LabelRule.NegativeBelow)), Json);

    /// <summary>Writes <paramref name="schema"/> to <paramref name="path"/> atomically (fsync'd when <paramref name="fsync"/>).</summary>
    public static void Write(string path, DatasetSchema schema, bool fsync)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(System.Text.Encoding.UTF8.GetBytes(Serialize(schema)));
                stream.Flush(flushToDisk: fsync);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
        if (fsync) DurableFileSystem.SyncDirectory(directory);
    }

    /// <summary>Reads a schema file; <see cref="StoreFormatException"/> naming the file when it is not a usable schema.</summary>
    public static DatasetSchema Read(string path)
    {
        FileDto? dto;
        try
        {
            dto = JsonSerializer.Deserialize<FileDto>(File.ReadAllBytes(path), Json);
        }
        catch (JsonException e)
        {
            throw new StoreFormatException(path, $"is not a store schema ({e.Message}).", e);
        }
        if (dto is null || dto.Fields is null || dto.LabelRule is null || string.IsNullOrEmpty(dto.Name))
            throw new StoreFormatException(path, "is not a store schema (needs format, name, fields and labelRule).");
        if (dto.Format > FormatVersion)
            throw new StoreFormatException(path, $"has schema format {dto.Format}; this version reads up to {FormatVersion}.");
        try
        {
            return new DatasetSchema(dto.Name, dto.Fields.Select(f => new FieldSchema(f.Name, f.TextName, f.Kind)).ToList(),
                new LabelRule(dto.LabelRule.PositiveAbove, dto.LabelRule.NegativeBelow));
        }
        catch (ArgumentException e)
        {
            throw new StoreFormatException(path, $"is not a usable schema: {e.Message}", e);
        }
    }

    /// <summary>
    /// True when events of <paramref name="a"/> and <paramref name="b"/> can share a store: the same name (as each
    /// Parquet file's <c>flip.schema</c> records it), fields (wire name, text name, kind) in the same order and label rule.
    /// </summary>
    public static bool Compatible(DatasetSchema a, DatasetSchema b) =>
        a.Name == b.Name && a.Fields.SequenceEqual(b.Fields) && a.LabelRule == b.LabelRule;
}
