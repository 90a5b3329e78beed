using System.Text;

namespace Flip.FeatureStore.Readers;

/// <summary>
/// Splits delimited text into records by RFC 4180 quoting: a field that starts with <c>"</c> runs to the next
/// lone <c>"</c>, <c>""</c> inside it is one quote, and delimiters and line breaks inside it are data. Two
/// leniencies match what real dumps contain (and Python's csv module): a quote inside an unquoted field is kept
/// as a literal character, and text between a closing quote and the next delimiter is appended to the field.
/// A quoted field still open at the end of the file is an error (it would swallow the rest of the file).
/// </summary>
public sealed class CsvReader : IDisposable
{
    private readonly TextReader _reader;
    private readonly char _delimiter;
    private readonly StringBuilder _field = new();
    private long _line = 1; // line the reader is positioned on
    private bool _atEnd;

    /// <param name="reader">Text to read; disposed with this reader.</param>
    /// <param name="delimiter">Field delimiter, e.g. <c>,</c> or <c>;</c>.</param>
    /// <param name="file">File name used in error messages.</param>
    public CsvReader(TextReader reader, char delimiter = ',', string file = "<text>")
    {
        if (delimiter is '"' or '\r' or '\n') throw new ArgumentException("The delimiter cannot be a quote or a line break.", nameof(delimiter));
        _reader = reader;
        _delimiter = delimiter;
        File = file;
    }

    /// <summary>Opens a file with the given encoding.</summary>
    public static CsvReader Open(string path, Encoding encoding, char delimiter = ',')
    {
        if (!System.IO.File.Exists(path)) throw new FileNotFoundException($"Dataset file not found: {path}", path);
        return new CsvReader(new StreamReader(path, encoding, detectEncodingFromByteOrderMarks: encoding is UTF8Encoding, bufferSize: 1 << 16), delimiter, Path.GetFileName(path));
    }

    /// <summary>File name used in error messages.</summary>
    public string File { get; }

    /// <summary>1-based line on which the last record returned by <see cref="ReadRecord"/> starts.</summary>
    public long RecordLine { get; private set; }

    /// <summary>
    /// Reads the next record into <paramref name="fields"/> (cleared first). Returns false at the end of input.
    /// Blank lines are skipped (a record of one empty field carries no data).
    /// </summary>
    public bool ReadRecord(List<string> fields)
    {
        while (true)
        {
            fields.Clear();
            if (_atEnd) return false;
            RecordLine = _line;
            int c = _reader.Peek();
            if (c < 0) { _atEnd = true; return false; }
            try
            {
                ReadFields(fields);
            }
            catch (DecoderFallbackException e)
            {
                throw new DatasetFormatException(File, _line, $"bytes that are not valid in the file's encoding ({e.Message})");
            }
            if (fields.Count == 1 && fields[0].Length == 0 && !_lastFieldQuoted) continue;
            return true;
        }
    }

    private bool _lastFieldQuoted;

    private void ReadFields(List<string> fields)
    {
        while (true)
        {
            _field.Clear();
            _lastFieldQuoted = false;
            int c = _reader.Read();
            if (c == '"')
            {
                _lastFieldQuoted = true;
                ReadQuoted();
                c = _reader.Read();
                // Lenient: characters after the closing quote up to the delimiter belong to the field.
                while (c >= 0 && c != _delimiter && c != '\n' && c != '\r')
                {
                    _field.Append((char)c);
                    c = _reader.Read();
                }
            }
            else
            {
                while (c >= 0 && c != _delimiter && c != '\n' && c != '\r')
                {
                    _field.Append((char)c);
                    c = _reader.Read();
                }
            }
            fields.Add(_field.ToString());
            if (c == _delimiter) continue;
            if (c < 0) { _atEnd = true; return; }
            EndLine(c);
            return;
        }
    }

    private void ReadQuoted()
    {
        long start = _line;
        while (true)
        {
            int c = _reader.Read();
            if (c < 0) throw new DatasetFormatException(File, start, "a quoted field is not closed before the end of the file");
            if (c == '"')
            {
                if (_reader.Peek() == '"') { _reader.Read(); _field.Append('"'); continue; }
                return;
            }
            if (c == '\n') _line++;
            else if (c == '\r')
            {
                if (_reader.Peek() == '\n') { _reader.Read(); _field.Append('\r'); c = '\n'; }
                _line++;
            }
            _field.Append((char)c);
        }
    }

    private void EndLine(int c)
    {
        if (c == '\r' && _reader.Peek() == '\n') _reader.Read();
        _line++;
    }

    public void Dispose() => _reader.Dispose();
}
