using System.Text.Json;
using System.Text.Json.Serialization;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;
using Flip.FeatureStore.Vocabulary;

namespace Flip.Trainer.Online;

/// <summary>
/// The trainer's own id space over a stream: maps (field, value) to an embedding row with admission and expiry, as
/// Monolith / TFRA / DeepRec bound their tables. Rows 0 .. 2+F-1 are reserved as in <see cref="FeatureVocabulary"/>
/// (padding, mask, one unknown per field). A value gets its own row after <c>minCount</c> sightings (until then it
/// uses its field's unknown row); a row (or a pending count) unseen for <c>expireAfter</c> of event time is freed and
/// its row reused. <see cref="Capacity"/> (the rows the model must have) grows by a factor when no free row is left,
/// up to <c>maxRows</c>; beyond that new values stay on the unknown row until rows expire. So memory is bounded by
/// maxRows rows plus the pending counts of the last <c>expireAfter</c>. Not thread-safe.
/// </summary>
public sealed class EmbeddingRowTable
{
    private const string FormatName = "flip-embedding-row-table";

    private readonly Dictionary<string, Entry>[] _rows;
    private readonly Dictionary<string, Entry>[] _pending;
    private readonly List<(int Field, string? Value)> _owner = new();
    private readonly SortedSet<int> _free = new();
    private DateTime _lastExpiryScan = DateTime.MinValue;

    public EmbeddingRowTable(DatasetSchema schema, int minCount, TimeSpan expireAfter, int initialRows, double growthFactor, int maxRows)
    {
        Schema = schema;
        MinCount = minCount;
        ExpireAfter = expireAfter;
        GrowthFactor = growthFactor;
        MaxRows = maxRows;
        ReservedRows = FeatureVocabulary.FirstFieldUnknownId + schema.FieldCount;
        if (initialRows < ReservedRows) throw new ArgumentOutOfRangeException(nameof(initialRows), $"Need at least {ReservedRows} rows for the reserved ids.");
        Capacity = initialRows;
        _rows = new Dictionary<string, Entry>[schema.FieldCount];
        _pending = new Dictionary<string, Entry>[schema.FieldCount];
        for (int f = 0; f < schema.FieldCount; f++)
        {
            _rows[f] = new Dictionary<string, Entry>(StringComparer.Ordinal);
            _pending[f] = new Dictionary<string, Entry>(StringComparer.Ordinal);
        }
        for (int r = 0; r < ReservedRows; r++) _owner.Add((r < FeatureVocabulary.FirstFieldUnknownId ? -1 : r - FeatureVocabulary.FirstFieldUnknownId, null));
    }

    public DatasetSchema Schema { get; }
    public int MinCount { get; }
    public TimeSpan ExpireAfter { get; }
    public double GrowthFactor { get; }
    public int MaxRows { get; }
    public int ReservedRows { get; }

    /// <summary>Rows the model's tables must have (allocated, used or not).</summary>
    public int Capacity { get; private set; }

    /// <summary>Rows ever handed out (reserved included); rows at or above it were never used.</summary>
    public int HighWater => _owner.Count;

    /// <summary>Rows holding a value now (reserved excluded).</summary>
    public int AdmittedRows => _rows.Sum(r => r.Count);

    /// <summary>Values counted but not admitted yet.</summary>
    public int PendingValues => _pending.Sum(p => p.Count);

    /// <summary>Bumped on every admission and expiry: names the id space's state.</summary>
    public long Version { get; private set; }

    /// <summary>Values that qualified for a row while the table was full (they stay on their unknown row).</summary>
    public long RefusedAdmissions { get; private set; }

    public int UnknownRow(int field) => FeatureVocabulary.FirstFieldUnknownId + field;

    /// <summary>The row of each field's value (unknown row when not admitted); never changes the table.</summary>
    public void Encode(ClickEvent e, Span<int> rows)
    {
        for (int f = 0; f < _rows.Length; f++) rows[f] = _rows[f].TryGetValue(e.Values[f], out var entry) ? entry.Row : UnknownRow(f);
    }

    /// <summary>Counts the event's values at its event time, admitting those that reach the minimum count.</summary>
    public void Observe(ClickEvent e)
    {
        long now = e.EventTime.Ticks;
        for (int f = 0; f < _rows.Length; f++)
        {
            string value = e.Values[f];
            if (_rows[f].TryGetValue(value, out var entry))
            {
                entry.Count++;
                entry.LastSeen = Math.Max(entry.LastSeen, now);
                continue;
            }
            if (!_pending[f].TryGetValue(value, out var pending)) _pending[f][value] = pending = new Entry();
            pending.Count++;
            pending.LastSeen = Math.Max(pending.LastSeen, now);
            if (pending.Count < MinCount) continue;
            int row = TakeRow();
            if (row < 0)
            {
                RefusedAdmissions++;
                continue;
            }
            _pending[f].Remove(value);
            _rows[f][value] = new Entry { Row = row, Count = pending.Count, LastSeen = pending.LastSeen };
            _owner[row] = (f, value);
            Version++;
        }
    }

    /// <summary>
    /// Frees rows and pending counts unseen since <paramref name="now"/> minus the expiry (scans at most once per tenth
    /// of the expiry). Returns the freed rows, which the model must re-initialise before they are reused.
    /// </summary>
    public IReadOnlyList<int> Expire(DateTime now)
    {
        if (ExpireAfter <= TimeSpan.Zero || now - _lastExpiryScan < ExpireAfter / 10) return [];
        _lastExpiryScan = now;
        long cutoff = (now - ExpireAfter).Ticks;
        var freed = new List<int>();
        for (int f = 0; f < _rows.Length; f++)
        {
            foreach (var (value, entry) in _rows[f].Where(kv => kv.Value.LastSeen < cutoff).ToList())
            {
                _rows[f].Remove(value);
                _owner[entry.Row] = (-1, null);
                _free.Add(entry.Row);
                freed.Add(entry.Row);
            }
            foreach (var value in _pending[f].Where(kv => kv.Value.LastSeen < cutoff).Select(kv => kv.Key).ToList()) _pending[f].Remove(value);
        }
        if (freed.Count > 0) Version++;
        return freed;
    }

    /// <summary>Rows in use in row order: (row, field, value, count), reserved rows excluded.</summary>
    public IEnumerable<(int Row, int Field, string Value, long Count)> AdmittedInRowOrder()
    {
        var all = new List<(int, int, string, long)>();
        for (int f = 0; f < _rows.Length; f++)
            foreach (var (value, entry) in _rows[f]) all.Add((entry.Row, f, value, entry.Count));
        all.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return all;
    }

    /// <summary>
    /// The rows in use as a dense <see cref="FeatureVocabulary"/> (reserved ids, then admitted values in row order), and
    /// for each of its ids the table row it comes from: what a published model is compacted to.
    /// </summary>
    public (FeatureVocabulary Vocabulary, int[] RowOfId) ToCompactVocabulary()
    {
        var admitted = AdmittedInRowOrder().ToList();
        var rowOfId = new int[ReservedRows + admitted.Count];
        for (int r = 0; r < ReservedRows; r++) rowOfId[r] = r;
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            // The vocabulary file format of FeatureVocabulary.Save (features are [field, value, count] in id order).
            w.WriteStartObject();
            w.WriteString("format", "flip-feature-vocabulary");
            w.WriteNumber("formatVersion", 1);
            w.WriteString("schema", Schema.Name);
            w.WriteStartArray("fields");
            foreach (var name in Schema.FieldNames) w.WriteStringValue(name);
            w.WriteEndArray();
            w.WriteNumber("version", rowOfId.Length);
            w.WriteNumber("capacity", Math.Max(rowOfId.Length, new VocabularyOptions().Capacity));
            w.WriteNumber("minCount", 1);
            w.WriteStartArray("reservedCounts");
            for (int r = 0; r < ReservedRows; r++) w.WriteNumberValue(0);
            w.WriteEndArray();
            w.WriteStartArray("features");
            for (int i = 0; i < admitted.Count; i++)
            {
                var (row, field, value, count) = admitted[i];
                rowOfId[ReservedRows + i] = row;
                w.WriteStartArray();
                w.WriteNumberValue(field);
                w.WriteStringValue(value);
                w.WriteNumberValue(count);
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteStartArray("pending");
            w.WriteEndArray();
            w.WriteEndObject();
        }
        buffer.Position = 0;
        return (FeatureVocabulary.Load(buffer, Schema, "compact vocabulary"), rowOfId);
    }

    private int TakeRow()
    {
        if (_free.Count > 0)
        {
            int row = _free.Min;
            _free.Remove(row);
            return row;
        }
        if (_owner.Count >= MaxRows) return -1;
        if (_owner.Count >= Capacity) Capacity = (int)Math.Min(MaxRows, Math.Max(Capacity + 1, Math.Ceiling(Capacity * GrowthFactor)));
        _owner.Add((-1, null));
        return _owner.Count - 1;
    }

    // ---- persistence (the worker's resume state) ----

    public void Save(string path)
    {
        var state = new SavedTable
        {
            Format = FormatName,
            Schema = Schema.Name,
            Fields = Schema.FieldNames.ToArray(),
            Capacity = Capacity,
            HighWater = _owner.Count,
            Version = Version,
            RefusedAdmissions = RefusedAdmissions,
            LastExpiryScanTicks = _lastExpiryScan.Ticks,
            Free = _free.ToArray(),
            Rows = Flatten(_rows, withRow: true),
            Pending = Flatten(_pending, withRow: false),
        };
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        JsonSerializer.Serialize(stream, state);
    }

    /// <summary>Loads a saved table; refuses one of another schema or field list, naming what differs.</summary>
    public static EmbeddingRowTable Load(string path, DatasetSchema schema, int minCount, TimeSpan expireAfter, double growthFactor, int maxRows)
    {
        SavedTable state;
        try
        {
            using var stream = File.OpenRead(path);
            state = JsonSerializer.Deserialize<SavedTable>(stream) ?? throw new InvalidDataException("empty");
        }
        catch (JsonException e) { throw new InvalidDataException($"{path}: corrupt row table ({e.Message}).", e); }
        if (state.Format != FormatName) throw new InvalidDataException($"{path}: not an embedding row table.");
        if (state.Schema != schema.Name || !state.Fields.SequenceEqual(schema.FieldNames))
            throw new TrainerConfigurationException(
                $"The trainer state {path} is for schema '{state.Schema}' [{string.Join(", ", state.Fields)}], not '{schema.Name}' [{string.Join(", ", schema.FieldNames)}]; use another Trainer:StateDirectory.");
        var table = new EmbeddingRowTable(schema, minCount, expireAfter, Math.Max(state.Capacity, FeatureVocabulary.FirstFieldUnknownId + schema.FieldCount), growthFactor, Math.Max(maxRows, state.Capacity))
        {
            Version = state.Version,
            RefusedAdmissions = state.RefusedAdmissions,
            _lastExpiryScan = new DateTime(state.LastExpiryScanTicks, DateTimeKind.Utc),
        };
        while (table._owner.Count < state.HighWater) table._owner.Add((-1, null));
        foreach (var row in state.Free) table._free.Add(row);
        foreach (var r in state.Rows)
        {
            table._rows[r.Field][r.Value] = new Entry { Row = r.Row, Count = r.Count, LastSeen = r.LastSeen };
            table._owner[r.Row] = (r.Field, r.Value);
        }
        foreach (var p in state.Pending) table._pending[p.Field][p.Value] = new Entry { Count = p.Count, LastSeen = p.LastSeen };
        return table;
    }

    private static List<SavedEntry> Flatten(Dictionary<string, Entry>[] maps, bool withRow)
    {
        var list = new List<SavedEntry>();
        for (int f = 0; f < maps.Length; f++)
            foreach (var (value, e) in maps[f]) list.Add(new SavedEntry { Field = f, Value = value, Row = withRow ? e.Row : -1, Count = e.Count, LastSeen = e.LastSeen });
        return list;
    }

    private sealed class Entry
    {
        public int Row;
        public long Count;
        public long LastSeen;
    }

    private sealed class SavedTable
    {
        public string Format { get; set; } = "";
        public string Schema { get; set; } = "";
        public string[] Fields { get; set; } = [];
        public int Capacity { get; set; }
        public int HighWater { get; set; }
        public long Version { get; set; }
        public long RefusedAdmissions { get; set; }
        public long LastExpiryScanTicks { get; set; }
        public int[] Free { get; set; } = [];
        public List<SavedEntry> Rows { get; set; } = [];
        public List<SavedEntry> Pending { get; set; } = [];
    }

    private sealed class SavedEntry
    {
        [JsonPropertyName("f")] public int Field { get; set; }
        [JsonPropertyName("v")] public string Value { get; set; } = "";
        [JsonPropertyName("r")] public int Row { get; set; }
        [JsonPropertyName("c")] public long Count { get; set; }
        [JsonPropertyName("t")] public long LastSeen { get; set; }
    }
}
