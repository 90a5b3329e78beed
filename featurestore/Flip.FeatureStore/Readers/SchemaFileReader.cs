using System.Globalization;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;

namespace Flip.FeatureStore.Readers;

/// <summary>
/// Reads a user's own click log as described by a <see cref="SchemaFile"/> (docs/schema-file.md): a CSV or JSON-lines
/// main file, optional side tables joined on a column, an id, an event time and a 0/1 label or a rating with a rule.
/// An empty or absent field value reads "unknown"; a bad id, time or label, a repeated id, or a failed join with
/// <c>"missing": "error"</c> is a malformed row.
/// </summary>
public sealed class SchemaFileReader : DatasetReaderBase
{
    private readonly SchemaFile _spec;

    /// <param name="schemaFile">Path of the schema JSON file.</param>
    /// <param name="folder">Folder holding the files the schema names.</param>
    /// <param name="options">Malformed-row policy.</param>
    public SchemaFileReader(string schemaFile, string folder, ReaderOptions? options = null) : this(SchemaFile.Load(schemaFile), folder, options)
    {
    }

    /// <param name="spec">A checked description (see <see cref="SchemaFile.Check"/>).</param>
    /// <param name="folder">Folder holding the files the schema names.</param>
    /// <param name="options">Malformed-row policy.</param>
    public SchemaFileReader(SchemaFile spec, string folder, ReaderOptions? options = null) : base(folder, options)
    {
        Schema = spec.ToSchema(); // checks the description first
        _spec = spec;
        RequireFile(spec.File);
        foreach (var j in spec.Joins) RequireFile(j.File);
    }

    /// <summary>The schema built from the file's fields and label rule (a 0/1 label column uses "&gt; 0 -> 1").</summary>
    public DatasetSchema Schema { get; }

    private protected override DatasetSchema DescribedSchema => Schema;

    private protected override void ReadAll(List<ClickEvent> events, MalformedRows malformed)
    {
        var spec = _spec;
        var joins = spec.Joins.Select(j => ReadJoin(j, malformed)).ToList();

        // Main-file columns: id, time, label, each join's lookup column, then the main-file fields.
        var columns = new List<string>();
        int Need(string c) { int i = columns.IndexOf(c); if (i < 0) { columns.Add(c); i = columns.Count - 1; } return i; }
        int cId = spec.Id is null ? -1 : Need(spec.Id);
        int cTime = spec.Timestamp is null ? -1 : Need(spec.Timestamp.Column);
        int cLabel = Need(spec.Label!.Column ?? spec.Label.Rating!);
        int[] cJoinOn = spec.Joins.Select(j => Need(j.On ?? j.Key)).ToArray();
        // Per field: (join index or -1, column index in the main row or in the join's value array).
        var fieldSources = spec.Fields.Select(f => f.From is null
            ? (Join: -1, Column: Need(f.Column ?? f.Name))
            : (Join: spec.Joins.FindIndex(j => j.Name == f.From), Column: joins[spec.Joins.FindIndex(j => j.Name == f.From)].Columns.IndexOf(f.Column ?? f.Name))).ToArray();

        var ids = new HashSet<string>(StringComparer.Ordinal);
        var rule = Schema.LabelRule;
        using var main = new ColumnSource(Path.Combine(Folder, spec.File), spec.Format, Delimiter(spec.Delimiter), SchemaFile.ToEncoding(spec.Encoding), columns.ToArray(), malformed);
        var matched = new string?[]?[joins.Count];
        long row = -1;
        while (main.ReadNext())
        {
            row++;
            Stats.RowsRead++;
            var v = main.Values;
            string? problem = null;
            string id = cId < 0 ? $"{spec.Name}-{main.Line}" : (v[cId] ?? "").Trim();
            DateTime time = DateTime.UnixEpoch.AddSeconds(row);
            int? label = null;
            bool filled = false;
            if (id.Length == 0) problem = $"id column '{spec.Id}' is empty";
            else if (cTime >= 0 && !TryParseTime(v[cTime], spec.Timestamp!.Format, out time)) problem = $"timestamp '{v[cTime]}' is not {spec.Timestamp!.Format}";
            else if (!TryLabel(v[cLabel], out label, out problem)) { }
            else
            {
                for (int j = 0; j < joins.Count && problem is null; j++)
                {
                    string key = (v[cJoinOn[j]] ?? "").Trim();
                    if (joins[j].Rows.TryGetValue(key, out var values)) matched[j] = values;
                    else if (spec.Joins[j].Missing == "unknown") { matched[j] = null; filled = true; }
                    else problem = $"'{key}' in column '{spec.Joins[j].On ?? spec.Joins[j].Key}' has no row in {spec.Joins[j].File}";
                }
                if (problem is null && !ids.Add(id)) problem = $"id '{id}' appears twice";
            }
            if (problem is not null) { malformed.Report(main.File, main.Line, problem); continue; }
            if (label is null) { Stats.DroppedByLabelRule++; continue; }
            if (filled) Stats.FilledMissingJoin++;
            var fields = new string[fieldSources.Length];
            for (int i = 0; i < fields.Length; i++)
            {
                var (join, column) = fieldSources[i];
                string? value = join < 0 ? v[column] : matched[join]?[column];
                fields[i] = string.IsNullOrWhiteSpace(value) ? Demographics.Unknown : value.Trim();
            }
            events.Add(new ClickEvent(id, time, fields, (byte)label.Value));
        }

        bool TryLabel(string? raw, out int? label, out string? problem)
        {
            label = null;
            problem = null;
            string text = (raw ?? "").Trim();
            if (spec.Label!.Column is not null)
            {
                label = text switch { "1" or "true" or "True" => 1, "0" or "false" or "False" => 0, _ => null };
                if (label is null) problem = $"label '{raw}' is not 0 or 1";
                return label is not null;
            }
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double rating))
            {
                problem = $"rating '{raw}' is not a number";
                return false;
            }
            label = rule.Apply(rating);
            return true;
        }
    }

    private sealed record JoinTable(List<string> Columns, Dictionary<string, string?[]> Rows);

    private JoinTable ReadJoin(SchemaFile.JoinSpec join, MalformedRows malformed)
    {
        var columns = new List<string> { join.Key };
        foreach (var f in _spec.Fields.Where(f => f.From == join.Name))
            if (!columns.Contains(f.Column ?? f.Name)) columns.Add(f.Column ?? f.Name);
        var rows = new Dictionary<string, string?[]>(StringComparer.Ordinal);
        using var source = new ColumnSource(Path.Combine(Folder, join.File), join.Format, Delimiter(join.Delimiter), SchemaFile.ToEncoding(join.Encoding), columns.ToArray(), malformed);
        while (source.ReadNext())
        {
            string key = (source.Values[0] ?? "").Trim();
            if (key.Length == 0) malformed.Report(source.File, source.Line, $"key column '{join.Key}' is empty");
            else if (!rows.TryAdd(key, (string?[])source.Values.Clone())) malformed.Report(source.File, source.Line, $"key '{key}' appears twice");
        }
        return new JoinTable(columns, rows);
    }

    private static char Delimiter(string d) => d == "\\t" ? '\t' : d[0];

    /// <summary>Parses unix-seconds, unix-ms (integers or decimals) or ISO-8601 (no offset means UTC) into UTC.</summary>
    internal static bool TryParseTime(string? raw, string format, out DateTime utc)
    {
        utc = default;
        string text = (raw ?? "").Trim();
        if (format == "iso-8601")
        {
            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)) return false;
            utc = t.UtcDateTime;
            return true;
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double n)) return false;
        double seconds = format == "unix-ms" ? n / 1000 : n;
        if (seconds is < 0 or > 253_402_300_799) return false;
        utc = DateTime.UnixEpoch.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
        return true;
    }
}
