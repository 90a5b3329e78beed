using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;

namespace Flip.FeatureStore.Readers;

/// <summary>
/// GoodReads from the UCSD Book Graph, in its JSON-lines files (plain or .gz):
/// <c>goodreads_interactions*.json</c> (user_id, book_id, rating, date_added like "Sun Jul 30 07:44:10 -0700 2017"),
/// <c>goodreads_books*.json</c> (book_id, title, authors [{author_id}], publisher, publication_year, language_code,
/// num_pages, format, is_ebook, average_rating, ratings_count, text_reviews_count, country_code, popular_shelves),
/// and optionally <c>goodreads_book_authors*.json</c> (author_id, name) to show author names instead of ids.
/// 15 fields as in the paper's setting; numbers are bucketized. Label: rating &gt; 3 -> 1, else 0 (0 means shelved
/// without a rating, a non-click). Time: date_added (UTC). Id: <c>gr-&lt;user&gt;-&lt;book&gt;</c>; a (user, book)
/// pair seen again (the genre files overlap) is dropped and counted in <see cref="ReaderStats.DroppedByFilter"/>.
/// An interaction whose book is not in the books files is a malformed row.
/// </summary>
public sealed class GoodReadsReader : DatasetReaderBase
{
    /// <summary>The 15 fields: user, book ids and the book's metadata.</summary>
    public static DatasetSchema Schema { get; } = new("goodreads",
    [
        new FieldSchema("user_id", "user id"),
        new FieldSchema("book_id", "book id"),
        new FieldSchema("title", "book title"),
        new FieldSchema("authors", "authors"),
        new FieldSchema("publisher", "publisher"),
        new FieldSchema("publication_year", "publication year", FieldKind.Numeric),
        new FieldSchema("language", "language"),
        new FieldSchema("num_pages", "number of pages", FieldKind.Numeric),
        new FieldSchema("format", "format"),
        new FieldSchema("is_ebook", "ebook"),
        new FieldSchema("average_rating", "average rating", FieldKind.Numeric),
        new FieldSchema("ratings_count", "ratings count", FieldKind.Numeric),
        new FieldSchema("text_reviews_count", "text reviews count", FieldKind.Numeric),
        new FieldSchema("country", "country"),
        new FieldSchema("shelves", "popular shelves"),
    ], new LabelRule(3));

    /// <summary>How many authors and shelves a book's text lists (the first ones, as ordered in the file).</summary>
    public const int MaxListed = 3;

    private const int BookFields = 13;
    private readonly string[] _interactions, _books, _authors;

    /// <param name="folder">Folder holding the goodreads_*.json or .json.gz files.</param>
    /// <param name="options">Malformed-row policy.</param>
    public GoodReadsReader(string folder, ReaderOptions? options = null) : base(folder, options)
    {
        _interactions = Find(folder, "goodreads_interactions");
        _books = Find(folder, "goodreads_books");
        _authors = Find(folder, "goodreads_book_authors");
        if (_interactions.Length == 0) throw new FileNotFoundException($"Dataset file not found: {Path.Combine(folder, "goodreads_interactions*.json")}");
        if (_books.Length == 0) throw new FileNotFoundException($"Dataset file not found: {Path.Combine(folder, "goodreads_books*.json")}");
    }

    private protected override DatasetSchema DescribedSchema => Schema;

    private static string[] Find(string folder, string prefix) =>
        Directory.GetFiles(folder, prefix + "*")
            .Where(f => f.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".json.gz", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToArray();

    private protected override void ReadAll(List<ClickEvent> events, MalformedRows malformed)
    {
        var authorNames = ReadAuthors(malformed);
        var books = ReadBooks(authorNames, malformed);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var rule = Schema.LabelRule;
        foreach (var file in _interactions)
        {
            foreach (var (line, root) in JsonLines(file, malformed))
            {
                Stats.RowsRead++;
                string? problem = null;
                string? userId = Text(root, "user_id"), bookId = Text(root, "book_id"), date = Text(root, "date_added");
                double? rating = Number(root, "rating");
                if (string.IsNullOrEmpty(userId)) problem = "user_id is missing";
                else if (string.IsNullOrEmpty(bookId)) problem = "book_id is missing";
                else if (rating is null) problem = $"rating '{Raw(root, "rating")}' is not a number";
                else if (!TryParseDate(date, out var time)) problem = $"date_added '{date}' is not like 'Sun Jul 30 07:44:10 -0700 2017'";
                else if (!books.TryGetValue(bookId, out var book)) problem = $"unknown book id {bookId} (not in the goodreads_books files)";
                else
                {
                    string id = $"gr-{userId}-{bookId}";
                    if (!seen.Add(id)) { Stats.DroppedByFilter++; continue; }
                    var values = new string[Schema.FieldCount];
                    values[0] = userId;
                    Array.Copy(book, 0, values, 1, BookFields + 1);
                    events.Add(new ClickEvent(id, time, values, (byte)rule.Apply(rating.Value)!.Value));
                    continue;
                }
                malformed.Report(Path.GetFileName(file), line, problem);
            }
        }
    }

    /// <summary>"Sun Jul 30 07:44:10 -0700 2017" -> UTC.</summary>
    internal static bool TryParseDate(string? text, out DateTime utc)
    {
        utc = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        // .NET's "zzz" wants "-07:00"; the file writes "-0700", so the offset is parsed by hand.
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 6 || parts[4].Length != 5 || parts[4][0] is not ('+' or '-')) return false;
        if (!DateTime.TryParseExact($"{parts[1]} {parts[2]} {parts[5]} {parts[3]}", "MMM d yyyy HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)) return false;
        if (!int.TryParse(parts[4].AsSpan(1, 2), NumberStyles.None, CultureInfo.InvariantCulture, out int hh)
            || !int.TryParse(parts[4].AsSpan(3, 2), NumberStyles.None, CultureInfo.InvariantCulture, out int mm)) return false;
        var offset = new TimeSpan(hh, mm, 0);
        if (parts[4][0] == '-') offset = -offset;
        utc = DateTime.SpecifyKind(local - offset, DateTimeKind.Utc);
        return true;
    }

    private Dictionary<string, string> ReadAuthors(MalformedRows malformed)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in _authors)
            foreach (var (line, root) in JsonLines(file, malformed))
            {
                string? id = Text(root, "author_id"), name = Text(root, "name");
                if (string.IsNullOrEmpty(id)) malformed.Report(Path.GetFileName(file), line, "author_id is missing");
                else if (!string.IsNullOrWhiteSpace(name)) names.TryAdd(id, name.Trim());
            }
        return names;
    }

    /// <summary>Book id -> [book_id, title, authors, publisher, year, language, pages, format, ebook, avg rating, ratings, reviews, country, shelves].</summary>
    private Dictionary<string, string[]> ReadBooks(Dictionary<string, string> authorNames, MalformedRows malformed)
    {
        var books = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var file in _books)
            foreach (var (line, root) in JsonLines(file, malformed))
            {
                string? id = Text(root, "book_id");
                if (string.IsNullOrEmpty(id)) { malformed.Report(Path.GetFileName(file), line, "book_id is missing"); continue; }
                if (books.ContainsKey(id)) continue; // the genre files repeat books; the first copy wins
                books.Add(id,
                [
                    id,
                    OrUnknown(Text(root, "title")),
                    Authors(root, authorNames),
                    OrUnknown(Text(root, "publisher")),
                    OrUnknown(Text(root, "publication_year")),
                    OrUnknown(Text(root, "language_code")),
                    PagesBucket(Number(root, "num_pages")),
                    OrUnknown(Text(root, "format")),
                    Text(root, "is_ebook") switch { "true" or "True" => "yes", "false" or "False" => "no", _ => Demographics.Unknown },
                    AverageRatingBucket(Number(root, "average_rating")),
                    CountBucket(Number(root, "ratings_count")),
                    CountBucket(Number(root, "text_reviews_count")),
                    OrUnknown(Text(root, "country_code")),
                    Shelves(root),
                ]);
            }
        return books;
    }

    private static string Authors(JsonElement book, Dictionary<string, string> names)
    {
        if (!book.TryGetProperty("authors", out var list) || list.ValueKind != JsonValueKind.Array) return Demographics.Unknown;
        var shown = new List<string>(MaxListed);
        foreach (var a in list.EnumerateArray())
        {
            if (shown.Count == MaxListed) break;
            string? id = a.ValueKind == JsonValueKind.Object ? Text(a, "author_id") : null;
            if (!string.IsNullOrEmpty(id)) shown.Add(names.TryGetValue(id, out var name) ? name : id);
        }
        return shown.Count == 0 ? Demographics.Unknown : string.Join(", ", shown);
    }

    private static string Shelves(JsonElement book)
    {
        if (!book.TryGetProperty("popular_shelves", out var list) || list.ValueKind != JsonValueKind.Array) return Demographics.Unknown;
        var shown = new List<string>(MaxListed);
        foreach (var s in list.EnumerateArray())
        {
            if (shown.Count == MaxListed) break;
            string? name = s.ValueKind == JsonValueKind.Object ? Text(s, "name") : null;
            if (!string.IsNullOrWhiteSpace(name)) shown.Add(name.Trim());
        }
        return shown.Count == 0 ? Demographics.Unknown : string.Join(", ", shown);
    }

    /// <summary>Pages in 100s: "under 100", "100-199", ..., "500 or more".</summary>
    internal static string PagesBucket(double? pages) => pages switch
    {
        null or <= 0 => Demographics.Unknown,
        < 100 => "under 100",
        >= 500 => "500 or more",
        _ => $"{(int)pages / 100 * 100}-{(int)pages / 100 * 100 + 99}",
    };

    /// <summary>Half-star buckets: 4.01 -> "4.0-4.5".</summary>
    internal static string AverageRatingBucket(double? rating)
    {
        if (rating is null or <= 0 or > 5) return Demographics.Unknown;
        double low = Math.Min(Math.Floor(rating.Value * 2) / 2, 4.5);
        return string.Create(CultureInfo.InvariantCulture, $"{low:0.0}-{low + 0.5:0.0}");
    }

    /// <summary>Decades of magnitude: "0", "1-9", "10-99", ..., "100000 or more".</summary>
    internal static string CountBucket(double? count)
    {
        if (count is null or < 0) return Demographics.Unknown;
        if (count < 1) return "0";
        long low = 1;
        while (low < 100_000 && count >= low * 10) low *= 10;
        return low == 100_000 ? "100000 or more" : $"{low}-{low * 10 - 1}";
    }

    private static string OrUnknown(string? v) => string.IsNullOrWhiteSpace(v) ? Demographics.Unknown : v.Trim();

    /// <summary>A property as text: strings as they are, numbers and booleans in their JSON spelling, else null.</summary>
    private static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
            _ => null,
        } : null;

    private static string Raw(JsonElement obj, string name) => obj.TryGetProperty(name, out var v) ? v.GetRawText() : "<missing>";

    /// <summary>A number written as a JSON number or a numeric string (the books file quotes its numbers).</summary>
    private static double? Number(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var v)) return null;
        if (v.ValueKind == JsonValueKind.Number) return v.GetDouble();
        if (v.ValueKind == JsonValueKind.String && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d)) return d;
        return null;
    }

    /// <summary>Each non-blank line of a JSON-lines file (plain or gzip) as a JSON object, with its 1-based line number.</summary>
    private static IEnumerable<(long Line, JsonElement Root)> JsonLines(string path, MalformedRows malformed)
    {
        using Stream file = File.OpenRead(path);
        using Stream data = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(data, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        string name = Path.GetFileName(path);
        long lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(line);
            }
            catch (JsonException e)
            {
                malformed.Report(name, lineNumber, $"not valid JSON ({e.Message})");
                continue;
            }
            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    malformed.Report(name, lineNumber, $"expected a JSON object but found {doc.RootElement.ValueKind}");
                    continue;
                }
                yield return (lineNumber, doc.RootElement);
            }
        }
    }
}
