using System.Text.Json;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;

namespace Flip.FeatureStore.Vocabulary;

/// <summary>Growth rules of a <see cref="FeatureVocabulary"/>. Bind from section <c>Vocabulary</c>.</summary>
public sealed class VocabularyOptions
{
    /// <summary>Most ids the vocabulary may hold, reserved ids included; values seen after that map to their field's unknown id. Default 10,000,000.</summary>
    public int Capacity { get; set; } = 10_000_000;

    /// <summary>Times a value must be seen before it gets its own id; until then it maps to its field's unknown id. Default 1 (admit at first sight).</summary>
    public int MinCount { get; set; } = 1;
}

/// <summary>
/// One global id space over all fields, as the paper's code uses one shared embedding table:
/// id 0 = padding, id 1 = the shared &lt;MASK&gt;, ids 2 .. 2+F-1 = per-field unknown, then features in order of admission.
/// Counts every id's occurrences (NCE noise sampling draws by frequency). Grows online; append-only, so
/// <see cref="Version"/> (the number of ids) identifies an id space and a model trained on version N stays
/// valid for later versions. Not thread-safe: one writer at a time.
/// </summary>
public sealed class FeatureVocabulary
{
    public const int PaddingId = 0;
    public const int MaskId = 1;
    public const int FirstFieldUnknownId = 2;
    private const string FormatName = "flip-feature-vocabulary";
    private const int FormatVersion = 1;

    private readonly Dictionary<string, int>[] _idByValue;
    private readonly Dictionary<string, long>[] _pending;
    private readonly List<int>[] _idsOfField;
    private readonly List<int> _fieldOf = new();
    private readonly List<string> _valueOf = new();
    private readonly List<long> _counts = new();

    public FeatureVocabulary(DatasetSchema schema, VocabularyOptions? options = null)
    {
        Schema = schema;
        Options = options ?? new VocabularyOptions();
        if (Options.MinCount < 1) throw new ArgumentOutOfRangeException(nameof(options), "MinCount must be at least 1.");
        int f = schema.FieldCount;
        if (Options.Capacity < FirstFieldUnknownId + f) throw new ArgumentOutOfRangeException(nameof(options), $"Capacity must hold at least the {FirstFieldUnknownId + f} reserved ids.");
        _idByValue = new Dictionary<string, int>[f];
        _pending = new Dictionary<string, long>[f];
        _idsOfField = new List<int>[f];
        for (int i = 0; i < f; i++)
        {
            _idByValue[i] = new Dictionary<string, int>(StringComparer.Ordinal);
            _pending[i] = new Dictionary<string, long>(StringComparer.Ordinal);
            _idsOfField[i] = new List<int>();
        }
        AddReserved(-1, "<pad>");
        AddReserved(-1, "<mask>");
        for (int i = 0; i < f; i++) AddReserved(i, $"<unk:{schema.Fields[i].Name}>");
    }

    public DatasetSchema Schema { get; }
    public VocabularyOptions Options { get; }

    /// <summary>Ids in use, reserved ones included: the embedding table size.</summary>
    public int Count => _valueOf.Count;

    /// <summary>Identifies the id space: the vocabulary only appends, so its size names it.</summary>
    public long Version => Count;

    /// <summary>Builds a vocabulary from a stream of events (counts and admission as in online growth).</summary>
    public static FeatureVocabulary Build(DatasetSchema schema, IEnumerable<ClickEvent> events, VocabularyOptions? options = null)
    {
        var vocabulary = new FeatureVocabulary(schema, options);
        foreach (var e in events) vocabulary.Observe(e);
        return vocabulary;
    }

    public int UnknownId(int field) => FirstFieldUnknownId + field;

    /// <summary>Counts the event's values and admits the ones that reached <see cref="VocabularyOptions.MinCount"/> while capacity lasts.</summary>
    public void Observe(ClickEvent e)
    {
        for (int f = 0; f < _idByValue.Length; f++) Observe(f, e.Values[f]);
    }

    /// <summary>Counts one value of a field, admitting it when it qualifies; returns its id (or the field's unknown id).</summary>
    public int Observe(int field, string value)
    {
        if (_idByValue[field].TryGetValue(value, out int id))
        {
            _counts[id]++;
            return id;
        }
        long seen = 1;
        if (Options.MinCount > 1)
        {
            var pending = _pending[field];
            pending.TryGetValue(value, out seen);
            seen++;
            if (seen < Options.MinCount || Count >= Options.Capacity)
            {
                pending[value] = seen;
                _counts[UnknownId(field)]++;
                return UnknownId(field);
            }
            pending.Remove(value);
        }
        else if (Count >= Options.Capacity)
        {
            _counts[UnknownId(field)]++;
            return UnknownId(field);
        }
        id = Count;
        _idByValue[field].Add(value, id);
        _idsOfField[field].Add(id);
        _fieldOf.Add(field);
        _valueOf.Add(value);
        _counts.Add(seen);
        return id;
    }

    /// <summary>The value's id, or the field's unknown id; never grows the vocabulary.</summary>
    public int Lookup(int field, string value) =>
        _idByValue[field].TryGetValue(value, out int id) ? id : UnknownId(field);

    /// <summary>Writes the tabular id vector of an event (one id per field, schema order).</summary>
    public void Encode(ClickEvent e, Span<int> ids)
    {
        if (ids.Length < _idByValue.Length) throw new ArgumentException($"Need room for {_idByValue.Length} ids.", nameof(ids));
        for (int f = 0; f < _idByValue.Length; f++) ids[f] = Lookup(f, e.Values[f]);
    }

    public int[] Encode(ClickEvent e)
    {
        var ids = new int[_idByValue.Length];
        Encode(e, ids);
        return ids;
    }

    public long CountOf(int id) => _counts[id];

    /// <summary>Field of an id; -1 for padding and mask.</summary>
    public int FieldOf(int id) => _fieldOf[id];

    /// <summary>The value an id stands for; reserved ids read "&lt;pad&gt;", "&lt;mask&gt;", "&lt;unk:field&gt;".</summary>
    public string ValueOf(int id) => _valueOf[id];

    /// <summary>Admitted feature ids of a field, in admission order (the unknown id is not among them).</summary>
    public IReadOnlyList<int> IdsOfField(int field) => _idsOfField[field];

    /// <summary>Distinct admitted values of a field.</summary>
    public int DistinctCount(int field) => _idsOfField[field].Count;

    /// <summary>Writes <c>vocabulary-v{Version}.json</c> into the folder (temp file, fsync, atomic rename) and returns its path.</summary>
    public string Save(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"vocabulary-v{Version:D10}.json");
        var tmp = path + ".tmp";
        using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            Save(stream);
            stream.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
        return path;
    }

    public void Save(Stream stream)
    {
        using var w = new Utf8JsonWriter(stream);
        w.WriteStartObject();
        w.WriteString("format", FormatName);
        w.WriteNumber("formatVersion", FormatVersion);
        w.WriteString("schema", Schema.Name);
        w.WriteStartArray("fields");
        foreach (var field in Schema.Fields) w.WriteStringValue(field.Name);
        w.WriteEndArray();
        w.WriteNumber("version", Version);
        w.WriteNumber("capacity", Options.Capacity);
        w.WriteNumber("minCount", Options.MinCount);
        // Reserved ids carry counts too (unknowns matter for noise sampling); features are [field, value, count] in id order.
        w.WriteStartArray("reservedCounts");
        for (int id = 0; id < FirstFieldUnknownId + Schema.FieldCount; id++) w.WriteNumberValue(_counts[id]);
        w.WriteEndArray();
        w.WriteStartArray("features");
        for (int id = FirstFieldUnknownId + Schema.FieldCount; id < Count; id++)
        {
            w.WriteStartArray();
            w.WriteNumberValue(_fieldOf[id]);
            w.WriteStringValue(_valueOf[id]);
            w.WriteNumberValue(_counts[id]);
            w.WriteEndArray();
        }
        w.WriteEndArray();
        w.WriteStartArray("pending");
        for (int f = 0; f < _pending.Length; f++)
        {
            foreach (var (value, seen) in _pending[f])
            {
                w.WriteStartArray();
                w.WriteNumberValue(f);
                w.WriteStringValue(value);
                w.WriteNumberValue(seen);
                w.WriteEndArray();
            }
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Loads a saved vocabulary; refuses one written for other fields, or a corrupt file, with a message naming the problem.</summary>
    public static FeatureVocabulary Load(Stream stream, DatasetSchema schema, string source = "vocabulary")
    {
        try
        {
            using var doc = JsonDocument.Parse(stream);
            var root = doc.RootElement;
            if (root.GetProperty("format").GetString() != FormatName)
                throw new InvalidDataException($"{source}: not a Flip feature vocabulary.");
            int formatVersion = root.GetProperty("formatVersion").GetInt32();
            if (formatVersion != FormatVersion)
                throw new InvalidDataException($"{source}: format version {formatVersion} is not supported (expected {FormatVersion}).");
            var fields = root.GetProperty("fields").EnumerateArray().Select(e => e.GetString()).ToArray();
            if (!fields.SequenceEqual(schema.FieldNames))
                throw new InvalidDataException($"{source}: written for fields [{string.Join(", ", fields)}] but the schema '{schema.Name}' has [{string.Join(", ", schema.FieldNames)}].");
            var options = new VocabularyOptions
            {
                Capacity = root.GetProperty("capacity").GetInt32(),
                MinCount = root.GetProperty("minCount").GetInt32(),
            };
            var vocabulary = new FeatureVocabulary(schema, options);
            int reserved = 0;
            foreach (var c in root.GetProperty("reservedCounts").EnumerateArray()) vocabulary._counts[reserved++] = c.GetInt64();
            if (reserved != FirstFieldUnknownId + schema.FieldCount)
                throw new InvalidDataException($"{source}: has {reserved} reserved ids, expected {FirstFieldUnknownId + schema.FieldCount}.");
            foreach (var row in root.GetProperty("features").EnumerateArray())
            {
                int field = row[0].GetInt32();
                if ((uint)field >= (uint)schema.FieldCount) throw new InvalidDataException($"{source}: feature with field index {field} out of range.");
                string value = row[1].GetString() ?? throw new InvalidDataException($"{source}: feature value is null.");
                int id = vocabulary.Count;
                if (!vocabulary._idByValue[field].TryAdd(value, id))
                    throw new InvalidDataException($"{source}: value '{value}' of field '{schema.Fields[field].Name}' appears twice.");
                vocabulary._idsOfField[field].Add(id);
                vocabulary._fieldOf.Add(field);
                vocabulary._valueOf.Add(value);
                vocabulary._counts.Add(row[2].GetInt64());
            }
            foreach (var row in root.GetProperty("pending").EnumerateArray())
                vocabulary._pending[row[0].GetInt32()][row[1].GetString()!] = row[2].GetInt64();
            long version = root.GetProperty("version").GetInt64();
            if (version != vocabulary.Version)
                throw new InvalidDataException($"{source}: says version {version} but holds {vocabulary.Version} ids (truncated or edited file).");
            return vocabulary;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException or FormatException)
        {
            throw new InvalidDataException($"{source}: corrupt vocabulary file ({e.Message}).", e);
        }
    }

    public static FeatureVocabulary Load(string path, DatasetSchema schema)
    {
        using var stream = File.OpenRead(path);
        return Load(stream, schema, path);
    }

    /// <summary>Loads the highest-version <c>vocabulary-v*.json</c> in a folder.</summary>
    public static FeatureVocabulary LoadLatest(string directory, DatasetSchema schema)
    {
        var latest = LatestPath(directory) ?? throw new FileNotFoundException($"No vocabulary-v*.json in {directory}.");
        return Load(latest, schema);
    }

    /// <summary>Path of the highest-version vocabulary file in a folder, or null.</summary>
    public static string? LatestPath(string directory) =>
        Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, "vocabulary-v*.json").Order(StringComparer.Ordinal).LastOrDefault()
            : null;

    private void AddReserved(int field, string name)
    {
        _fieldOf.Add(field);
        _valueOf.Add(name);
        _counts.Add(0);
    }
}
