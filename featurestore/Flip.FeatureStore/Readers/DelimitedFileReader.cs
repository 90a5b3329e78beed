using System.Runtime.CompilerServices;
using System.Text;

namespace Flip.FeatureStore.Readers;

/// <summary>
/// Reads a file of simple separator-delimited lines (<c>::</c>, tab, <c>|</c>: formats without quoting) one line
/// at a time, tracking the 1-based line number and splitting into field ranges without allocating per field.
/// Empty lines are skipped. Shared by the MovieLens readers so that line handling and column checks live in one place.
/// The per-line methods are compiled fully optimized at once: a read is one long pass, and waiting for tiered
/// compilation to promote them doubled a cold read of MovieLens-1M on a busy machine.
/// </summary>
internal sealed class DelimitedFileReader : IDisposable
{
    private readonly FileStream _stream;
    private readonly Encoding _encoding;
    private readonly string _separator;
    private readonly Range[] _ranges;
    private byte[] _bytes = new byte[1 << 16];
    private int _start, _end; // unread bytes are _bytes[_start.._end]
    private bool _endOfFile;
    private char[] _chars = new char[256];
    private int _length; // the current line is _chars[0.._length]

    /// <param name="path">File to read.</param>
    /// <param name="encoding">Text encoding (the MovieLens files are latin-1); a line break is byte '\n' in any of the encodings used.</param>
    /// <param name="separator">Field separator, e.g. <c>::</c>.</param>
    /// <param name="maxFields">Most fields a line may have; a line with more reports a wrong column count.</param>
    public DelimitedFileReader(string path, Encoding encoding, string separator, int maxFields)
    {
        if (!System.IO.File.Exists(path)) throw new FileNotFoundException($"Dataset file not found: {path}", path);
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        _encoding = encoding;
        _separator = separator;
        _ranges = new Range[maxFields + 1];
        File = Path.GetFileName(path);
    }

    /// <summary>File name (without folder) used in error messages.</summary>
    public string File { get; }

    /// <summary>1-based number of the current line.</summary>
    public long LineNumber { get; private set; }

    /// <summary>The current line's text.</summary>
    public string Line => new(_chars, 0, _length);

    /// <summary>How many fields the current line has (up to maxFields + 1, which means "too many").</summary>
    public int FieldCount { get; private set; }

    /// <summary>Moves to the next non-empty line and splits it; false at the end of the file.</summary>
    /// <remarks>Lines are decoded into one reused buffer, so reading allocates nothing per line.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool ReadNext()
    {
        while (NextLine(out var bytes))
        {
            LineNumber++;
            if (LineNumber == 1 && _encoding is UTF8Encoding && bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) bytes = bytes[3..];
            if (bytes.Length > 0 && bytes[^1] == (byte)'\r') bytes = bytes[..^1];
            if (bytes.Length == 0) continue;
            int most = _encoding.GetMaxCharCount(bytes.Length);
            if (most > _chars.Length) _chars = new char[Math.Max(most, _chars.Length * 2)];
            try
            {
                _length = _encoding.GetChars(bytes, _chars);
            }
            catch (DecoderFallbackException e)
            {
                throw new DatasetFormatException(File, LineNumber, $"bytes that are not valid in the file's encoding ({e.Message})");
            }
            FieldCount = _chars.AsSpan(0, _length).Split(_ranges, _separator);
            return true;
        }
        return false;
    }

    /// <summary>The bytes of the next line without its '\n', refilling the buffer as needed.</summary>
    private bool NextLine(out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            int newline = _bytes.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                line = _bytes.AsSpan(_start, newline);
                _start += newline + 1;
                return true;
            }
            if (_endOfFile)
            {
                line = _bytes.AsSpan(_start, _end - _start);
                bool any = _start < _end;
                _start = _end;
                return any;
            }
            if (_start > 0)
            {
                Buffer.BlockCopy(_bytes, _start, _bytes, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            if (_end == _bytes.Length) Array.Resize(ref _bytes, _bytes.Length * 2); // a line longer than the buffer
            int read = _stream.Read(_bytes, _end, _bytes.Length - _end);
            if (read == 0) _endOfFile = true;
            else _end += read;
        }
    }

    /// <summary>A field of the current line as a span (no allocation).</summary>
    public ReadOnlySpan<char> Field(int index) => _chars.AsSpan(0, _length)[_ranges[index]];

    /// <summary>A field of the current line as a string.</summary>
    public string FieldString(int index) => new(Field(index));

    /// <summary>Null when the line has exactly <paramref name="expected"/> fields, else the problem text.</summary>
    public string? CheckFieldCount(int expected) => FieldCount == expected
        ? null
        : $"expected {expected} fields separated by '{Escape(_separator)}' but found {(FieldCount >= _ranges.Length ? $"more than {_ranges.Length - 1}" : FieldCount.ToString())}";

    /// <summary>Parses an integer field, or returns null after describing the problem.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    public void Dispose() => _stream.Dispose();
}
