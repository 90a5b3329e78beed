using System.Text;

namespace Flip.FeatureStore.Readers;

/// <summary>
/// Reads a file of simple separator-delimited lines (<c>::</c>, tab, <c>|</c>: formats without quoting) one line
/// at a time, tracking the 1-based line number and splitting into field ranges without allocating per field.
/// Empty lines are skipped. Shared by the MovieLens readers so that line handling and column checks live in one place.
/// </summary>
internal sealed class DelimitedFileReader : IDisposable
{
    private readonly StreamReader _reader;
    private readonly string _separator;
    private readonly Range[] _ranges;
    private string _line = "";

    /// <param name="path">File to read.</param>
    /// <param name="encoding">Text encoding (the MovieLens files are latin-1).</param>
    /// <param name="separator">Field separator, e.g. <c>::</c>.</param>
    /// <param name="maxFields">Most fields a line may have; a line with more reports a wrong column count.</param>
    public DelimitedFileReader(string path, Encoding encoding, string separator, int maxFields)
    {
        if (!System.IO.File.Exists(path)) throw new FileNotFoundException($"Dataset file not found: {path}", path);
        _reader = new StreamReader(path, encoding, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16);
        _separator = separator;
        _ranges = new Range[maxFields + 1];
        File = Path.GetFileName(path);
    }

    /// <summary>File name (without folder) used in error messages.</summary>
    public string File { get; }

    /// <summary>1-based number of the current line.</summary>
    public long LineNumber { get; private set; }

    /// <summary>The current line's text.</summary>
    public string Line => _line;

    /// <summary>How many fields the current line has (up to maxFields + 1, which means "too many").</summary>
    public int FieldCount { get; private set; }

    /// <summary>Moves to the next non-empty line and splits it; false at the end of the file.</summary>
    public bool ReadNext()
    {
        while (true)
        {
            string? line = _reader.ReadLine();
            if (line is null) return false;
            LineNumber++;
            if (line.Length == 0 || (line.Length == 1 && line[0] == '\r')) continue;
            if (line[^1] == '\r') line = line[..^1];
            _line = line;
            FieldCount = line.AsSpan().Split(_ranges, _separator);
            return true;
        }
    }

    /// <summary>A field of the current line as a span (no allocation).</summary>
    public ReadOnlySpan<char> Field(int index) => _line.AsSpan()[_ranges[index]];

    /// <summary>A field of the current line as a string.</summary>
    public string FieldString(int index) => _line[_ranges[index]];

    /// <summary>Null when the line has exactly <paramref name="expected"/> fields, else the problem text.</summary>
    public string? CheckFieldCount(int expected) => FieldCount == expected
        ? null
        : $"expected {expected} fields separated by '{Escape(_separator)}' but found {(FieldCount >= _ranges.Length ? $"more than {_ranges.Length - 1}" : FieldCount.ToString())}";

    /// <summary>Parses an integer field, or returns null after describing the problem.</summary>
    public bool TryInt(int index, string what, out int value, out string? problem)
    {
        if (int.TryParse(Field(index), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out value))
        {
            problem = null;
            return true;
        }
        problem = $"{what} '{FieldString(index)}' is not an integer";
        return false;
    }

    /// <summary>Parses a 64-bit integer field (e.g. a Unix timestamp), or describes the problem.</summary>
    public bool TryLong(int index, string what, out long value, out string? problem)
    {
        if (long.TryParse(Field(index), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out value))
        {
            problem = null;
            return true;
        }
        problem = $"{what} '{FieldString(index)}' is not an integer";
        return false;
    }

    private static string Escape(string separator) => separator == "\t" ? "\\t" : separator;

    public void Dispose() => _reader.Dispose();
}
