using System.Text;
using System.Text.Json;

namespace Flip.FeatureStore.Readers;

/// <summary>
/// Rows of a CSV (with header) or JSON-lines file, reduced to the named columns. A CSV lacking a column fails at
/// open; a JSON object lacking a property gives null for it. Rows that cannot be parsed go to <see cref="MalformedRows"/>.
/// </summary>
internal sealed class ColumnSource : IDisposable
{
    private readonly CsvTable? _csv;
    private readonly int[] _csvIndexes = [];
    private readonly StreamReader? _json;
    private readonly string[] _columns;
    private readonly MalformedRows _malformed;

    public ColumnSource(string path, string format, char delimiter, Encoding encoding, string[] columns, MalformedRows malformed)
    {
        _columns = columns;
        _malformed = malformed;
        Values = new string?[columns.Length];
        File = Path.GetFileName(path);
        if (format == "csv")
        {
            _csv = CsvTable.Open(path, encoding, delimiter, columns.Distinct().ToArray());
            _csvIndexes = columns.Select(_csv.Column).ToArray();
        }
        else
        {
            if (!System.IO.File.Exists(path)) throw new FileNotFoundException($"Dataset file not found: {path}", path);
            _json = new StreamReader(path, encoding, detectEncodingFromByteOrderMarks: true);
        }
    }

    public string File { get; }

    /// <summary>1-based line of the current row.</summary>
    public long Line { get; private set; }

    /// <summary>Values of the requested columns for the current row (null: absent in a JSON row).</summary>
    public string?[] Values { get; }

    /// <summary>Moves to the next well-formed row; false at the end.</summary>
    public bool ReadNext()
    {
        while (true)
        {
            if (_csv is not null)
            {
                if (!_csv.ReadNext()) return false;
                Line = _csv.Line;
                if (_csv.CheckFieldCount() is { } problem) { _malformed.Report(File, Line, problem); continue; }
                for (int i = 0; i < _csvIndexes.Length; i++) Values[i] = _csv.Fields[_csvIndexes[i]];
                return true;
            }
            string? line;
            try
            {
                line = _json!.ReadLine();
            }
            catch (DecoderFallbackException e)
            {
                throw new DatasetFormatException(File, Line + 1, $"bytes that are not valid in the file's encoding ({e.Message})");
            }
            if (line is null) return false;
            Line++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            if (ParseJson(line) is { } error) { _malformed.Report(File, Line, error); continue; }
            return true;
        }
    }

    private string? ParseJson(string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return $"expected a JSON object but found {doc.RootElement.ValueKind}";
            for (int i = 0; i < _columns.Length; i++)
                Values[i] = doc.RootElement.TryGetProperty(_columns[i], out var v) ? v.ValueKind switch
                {
                    JsonValueKind.String => v.GetString(),
                    JsonValueKind.Null => null,
                    JsonValueKind.Array => string.Join(", ", v.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText())),
                    _ => v.GetRawText(),
                } : null;
            return null;
        }
        catch (JsonException e)
        {
            return $"not valid JSON ({e.Message})";
        }
    }

    public void Dispose()
    {
        _csv?.Dispose();
        _json?.Dispose();
    }
}
