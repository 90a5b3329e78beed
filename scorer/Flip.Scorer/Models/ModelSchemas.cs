using System.Text.Json;
using System.Text.Json.Serialization;
using Flip.FeatureStore.Readers;
using Flip.FeatureStore.Schema;

namespace Flip.Scorer.Models;

/// <summary>
/// The schema a published version reads: <c>schema.json</c> in the version folder when present (the store's own schema,
/// copied there by the trainer), else the built-in dataset named by the manifest's <c>dataset</c>.
/// <c>schema.json</c>: <c>{ "name": "...", "fields": [ { "name": "user_id", "textName": "user id", "kind": "categorical" } ],
/// "labelRule": { "positiveAbove": 3, "negativeBelow": null } }</c> (textName, kind and labelRule optional).
/// </summary>
public static class ModelSchemas
{
    public const string SchemaFileName = "schema.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Resolves the schema; throws <see cref="IncompatibleModelException"/> when neither source names one.</summary>
    public static DatasetSchema Resolve(string versionDirectory, string version, string dataset)
    {
        var path = Path.Combine(versionDirectory, SchemaFileName);
        if (File.Exists(path)) return Read(path, version);
        return BuiltIn(dataset) ?? throw new IncompatibleModelException(version,
            $"no {SchemaFileName} in the version folder and dataset '{dataset}' is not a built-in one ({string.Join(", ", DatasetCatalog.Names)})");
    }

    /// <summary>The schema of a built-in dataset by name, or null.</summary>
    public static DatasetSchema? BuiltIn(string dataset) => dataset.ToLowerInvariant() switch
    {
        "movielens-1m" => MovieLens1MReader.Schema,
        "movielens-100k" => MovieLens100KReader.Schema,
        "bookcrossing" => BookCrossingSubsetReader.Schema,
        "bookcrossing-dump" => BookCrossingDumpReader.Schema,
        "goodreads" => GoodReadsReader.Schema,
        _ => null,
    };

    /// <summary>Writes <paramref name="schema"/> as <c>schema.json</c> into a folder (what a publisher copies into a version).</summary>
    public static void Write(string directory, DatasetSchema schema)
    {
        var file = new SchemaJson
        {
            Name = schema.Name,
            Fields = schema.Fields.Select(f => new FieldJson { Name = f.Name, TextName = f.TextName, Kind = f.Kind }).ToList(),
            LabelRule = new LabelRuleJson { PositiveAbove = schema.LabelRule.PositiveAbove, NegativeBelow = schema.LabelRule.NegativeBelow },
        };
        File.WriteAllBytes(Path.Combine(directory, SchemaFileName), JsonSerializer.SerializeToUtf8Bytes(file, Json));
    }

    private static DatasetSchema Read(string path, string version)
    {
        SchemaJson? file;
        try { file = JsonSerializer.Deserialize<SchemaJson>(File.ReadAllBytes(path), Json); }
        catch (JsonException e) { throw new IncompatibleModelException(version, $"{SchemaFileName} is not a schema ({e.Message})"); }
        if (file is null || string.IsNullOrEmpty(file.Name) || file.Fields is not { Count: > 0 })
            throw new IncompatibleModelException(version, $"{SchemaFileName} needs a name and at least one field");
        try
        {
            var fields = file.Fields.Select(f => new FieldSchema(f.Name, string.IsNullOrEmpty(f.TextName) ? f.Name.Replace('_', ' ') : f.TextName, f.Kind)).ToList();
            var rule = file.LabelRule is { } r ? new LabelRule(r.PositiveAbove, r.NegativeBelow) : new LabelRule(0.5);
            return new DatasetSchema(file.Name, fields, rule);
        }
        catch (ArgumentException e) { throw new IncompatibleModelException(version, $"{SchemaFileName}: {e.Message}"); }
    }

    private sealed class SchemaJson
    {
        public string Name { get; set; } = "";
        public List<FieldJson>? Fields { get; set; }
        public LabelRuleJson? LabelRule { get; set; }
    }

    private sealed class FieldJson
    {
        public string Name { get; set; } = "";
        public string? TextName { get; set; }
        public FieldKind Kind { get; set; } = FieldKind.Categorical;
    }

    private sealed class LabelRuleJson
    {
        public double PositiveAbove { get; set; }
        public double? NegativeBelow { get; set; }
    }
}
