using Flip.FeatureStore.Schema;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Flip.FeatureStore.Readers;

/// <summary>
/// A user-written description of a click log, read by <see cref="SchemaFileReader"/>. The format is documented with an
/// example in docs/schema-file.md. Property names are camelCase in the JSON file.
/// </summary>
public sealed class SchemaFile
{
    /// <summary>Dataset name (schema name, event id prefix). Required.</summary>
    public string Name { get; set; } = "";
    /// <summary>Main click file, relative to the data folder. Required.</summary>
    public string File { get; set; } = "";
    /// <summary>"csv" (default: a header row, RFC 4180 quoting) or "jsonl" (one JSON object per line).</summary>
    public string Format { get; set; } = "csv";
    /// <summary>CSV field delimiter, one character; default ",". Use "\t" for tab.</summary>
    public string Delimiter { get; set; } = ",";
    /// <summary>"utf-8" (default) or "latin-1".</summary>
    public string Encoding { get; set; } = "utf-8";
    /// <summary>Column holding a unique event id; default none, then ids are "&lt;name&gt;-&lt;line&gt;".</summary>
    public string? Id { get; set; }
    /// <summary>Event time column and format; default none, then rows keep file order with times 1970-01-01 + row seconds.</summary>
    public TimestampSpec? Timestamp { get; set; }
    /// <summary>How to get the 0/1 label. Required.</summary>
    public LabelSpec? Label { get; set; }
    /// <summary>Fields in schema order. Required, at least one.</summary>
    public List<FieldSpec> Fields { get; set; } = new();
    /// <summary>Side tables joined on a main-file column; default none.</summary>
    public List<JoinSpec> Joins { get; set; } = new();

    /// <summary>Event time column.</summary>
    public sealed class TimestampSpec
    {
        /// <summary>Column name. Required.</summary>
        public string Column { get; set; } = "";
        /// <summary>"unix-seconds" (default), "unix-ms" or "iso-8601" (no offset means UTC).</summary>
        public string Format { get; set; } = "unix-seconds";
    }

    /// <summary>Either <see cref="Column"/> (0/1 or false/true) or <see cref="Rating"/> with a rule.</summary>
    public sealed class LabelSpec
    {
        /// <summary>Column holding 0/1 (or false/true).</summary>
        public string? Column { get; set; }
        /// <summary>Column holding a numeric rating, turned into a label by <see cref="PositiveAbove"/>/<see cref="NegativeBelow"/>.</summary>
        public string? Rating { get; set; }
        /// <summary>Rating above this is 1. Required with <see cref="Rating"/>.</summary>
        public double? PositiveAbove { get; set; }
        /// <summary>Rating below this is 0 and ratings in between are dropped; default none (everything not positive is 0).</summary>
        public double? NegativeBelow { get; set; }
    }

    /// <summary>One output field.</summary>
    public sealed class FieldSpec
    {
        /// <summary>Wire name, e.g. "user_id". Required.</summary>
        public string Name { get; set; } = "";
        /// <summary>Name in texts, e.g. "user id"; default the name with '_' as spaces.</summary>
        public string? Text { get; set; }
        /// <summary>Column to read; default the field name.</summary>
        public string? Column { get; set; }
        /// <summary>Join name to read the column from; default the main file.</summary>
        public string? From { get; set; }
        /// <summary>"categorical" (default) or "numeric".</summary>
        public string Kind { get; set; } = "categorical";
    }

    /// <summary>A side table keyed by one column.</summary>
    public sealed class JoinSpec
    {
        /// <summary>Name that fields refer to in <see cref="FieldSpec.From"/>. Required.</summary>
        public string Name { get; set; } = "";
        /// <summary>File relative to the data folder. Required.</summary>
        public string File { get; set; } = "";
        /// <summary>"csv" (default) or "jsonl".</summary>
        public string Format { get; set; } = "csv";
        /// <summary>CSV delimiter; default ",".</summary>
        public string Delimiter { get; set; } = ",";
        /// <summary>Encoding; default "utf-8".</summary>
        public string Encoding { get; set; } = "utf-8";
        /// <summary>Key column in this table. Required.</summary>
        public string Key { get; set; } = "";
        /// <summary>Main-file column whose value is looked up; default the same name as <see cref="Key"/>.</summary>
        public string? On { get; set; }
        /// <summary>"error" (default: a main row without a match is malformed) or "unknown" (its fields read "unknown", counted).</summary>
        public string Missing { get; set; } = "error";
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Reads and checks a schema file; problems throw <see cref="InvalidDataException"/> naming the file.</summary>
    public static SchemaFile Load(string path)
    {
        if (!System.IO.File.Exists(path)) throw new FileNotFoundException($"Schema file not found: {path}", path);
        SchemaFile? schema;
        try
        {
            schema = JsonSerializer.Deserialize<SchemaFile>(System.IO.File.ReadAllText(path), JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
        if (schema is null) throw new InvalidDataException($"{path}: the file holds null, not a schema object");
        var problems = schema.Check();
        if (problems.Count > 0) throw new InvalidDataException($"{path}: {string.Join("; ", problems)}");
        return schema;
    }

    /// <summary>
    /// The dataset schema this description declares: its fields (text name defaults to the name with '_' as ' ') and its
    /// label rule (a 0/1 label column uses "&gt; 0 -> 1"). Throws <see cref="InvalidDataException"/> when <see cref="Check"/> finds problems.
    /// </summary>
    public DatasetSchema ToSchema()
    {
        var problems = Check();
        if (problems.Count > 0) throw new InvalidDataException($"schema '{Name}': {string.Join("; ", problems)}");
        var label = Label!;
        return new DatasetSchema(Name,
            Fields.Select(f => new FieldSchema(f.Name, f.Text ?? f.Name.Replace('_', ' '), f.Kind == "numeric" ? FieldKind.Numeric : FieldKind.Categorical)).ToList(),
            label.Rating is null ? new LabelRule(0) : new LabelRule(label.PositiveAbove!.Value, label.NegativeBelow));
    }

    /// <summary>Every problem in the description (empty when it is usable).</summary>
    public List<string> Check()
    {
        var p = new List<string>();
        if (string.IsNullOrWhiteSpace(Name)) p.Add("'name' is required");
        if (string.IsNullOrWhiteSpace(File)) p.Add("'file' is required");
        CheckSource("main file", Format, Delimiter, Encoding, p);
        if (Timestamp is not null)
        {
            if (string.IsNullOrWhiteSpace(Timestamp.Column)) p.Add("'timestamp.column' is required");
            if (Timestamp.Format is not ("unix-seconds" or "unix-ms" or "iso-8601")) p.Add($"'timestamp.format' is '{Timestamp.Format}', not unix-seconds, unix-ms or iso-8601");
        }
        if (Label is null) p.Add("'label' is required");
        else if ((Label.Column is null) == (Label.Rating is null)) p.Add("'label' needs exactly one of 'column' and 'rating'");
        else if (Label.Rating is not null && Label.PositiveAbove is null) p.Add("'label.positiveAbove' is required with 'label.rating'");
        if (Fields.Count == 0) p.Add("'fields' needs at least one field");
        var names = new HashSet<string>(StringComparer.Ordinal);
        var joins = new HashSet<string>(StringComparer.Ordinal);
        foreach (var j in Joins)
        {
            if (string.IsNullOrWhiteSpace(j.Name) || !joins.Add(j.Name)) p.Add($"join name '{j.Name}' is empty or repeated");
            if (string.IsNullOrWhiteSpace(j.File)) p.Add($"join '{j.Name}' needs 'file'");
            if (string.IsNullOrWhiteSpace(j.Key)) p.Add($"join '{j.Name}' needs 'key'");
            if (j.Missing is not ("error" or "unknown")) p.Add($"join '{j.Name}': 'missing' is '{j.Missing}', not error or unknown");
            CheckSource($"join '{j.Name}'", j.Format, j.Delimiter, j.Encoding, p);
        }
        foreach (var f in Fields)
        {
            if (string.IsNullOrWhiteSpace(f.Name) || !names.Add(f.Name)) p.Add($"field name '{f.Name}' is empty or repeated");
            if (f.From is not null && !joins.Contains(f.From)) p.Add($"field '{f.Name}' reads from unknown join '{f.From}'");
            if (f.Kind is not ("categorical" or "numeric")) p.Add($"field '{f.Name}': kind '{f.Kind}' is not categorical or numeric");
        }
        return p;
    }

    private static void CheckSource(string what, string format, string delimiter, string encoding, List<string> p)
    {
        if (format is not ("csv" or "jsonl")) p.Add($"{what}: format '{format}' is not csv or jsonl");
        if (format == "csv" && delimiter.Length != 1) p.Add($"{what}: delimiter must be one character");
        if (encoding is not ("utf-8" or "latin-1")) p.Add($"{what}: encoding '{encoding}' is not utf-8 or latin-1");
    }

    internal static System.Text.Encoding ToEncoding(string name) =>
        name == "latin-1" ? System.Text.Encoding.Latin1 : new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true);
}
