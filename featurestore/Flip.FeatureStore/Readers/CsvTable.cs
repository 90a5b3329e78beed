using System.Text;

namespace Flip.FeatureStore.Readers;

/// <summary>
/// A delimited file with a header row, read record by record through <see cref="CsvReader"/>: columns are found
/// by header name (trimmed, case-insensitive), and every record must have as many fields as the header.
/// </summary>
internal sealed class CsvTable : IDisposable
{
    private readonly CsvReader _csv;
    private readonly Dictionary<string, int> _columns = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _fields = new();

    private CsvTable(CsvReader csv, IReadOnlyList<string> header)
    {
        _csv = csv;
        Header = header;
        for (int i = 0; i < header.Count; i++) _columns.TryAdd(header[i].Trim(), i);
    }

    /// <summary>Opens the file and reads its header; throws <see cref="DatasetFormatException"/> (line 1) when a required column is missing.</summary>
    public static CsvTable Open(string path, Encoding encoding, char delimiter, params string[] requiredColumns)
    {
        var csv = CsvReader.Open(path, encoding, delimiter);
        try
        {
            var header = new List<string>();
            if (!csv.ReadRecord(header)) throw new DatasetFormatException(csv.File, 1, "the file is empty (a header row is expected)");
            var table = new CsvTable(csv, header.ToArray());
            var missing = requiredColumns.Where(c => !table._columns.ContainsKey(c)).ToList();
            if (missing.Count > 0)
                throw new DatasetFormatException(csv.File, csv.RecordLine,
                    $"header lacks column(s) {string.Join(", ", missing.Select(m => $"'{m}'"))}; it has {string.Join(", ", header.Select(h => $"'{h}'"))}");
            return table;
        }
        catch
        {
            csv.Dispose();
            throw;
        }
    }

    /// <summary>Header names as written.</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>File name for messages.</summary>
    public string File => _csv.File;

    /// <summary>1-based line where the current record starts.</summary>
    public long Line => _csv.RecordLine;

    /// <summary>Fields of the current record.</summary>
    public IReadOnlyList<string> Fields => _fields;

    /// <summary>Index of a header column, or -1.</summary>
    public int Column(string name) => _columns.TryGetValue(name, out int i) ? i : -1;

    /// <summary>Moves to the next data record; false at the end.</summary>
    public bool ReadNext() => _csv.ReadRecord(_fields);

    /// <summary>Null when the record has as many fields as the header, else the problem text.</summary>
    public string? CheckFieldCount() => _fields.Count == Header.Count
        ? null
        : $"expected {Header.Count} fields as in the header but found {_fields.Count}";

    public void Dispose() => _csv.Dispose();
}
