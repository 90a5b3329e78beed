using System.Globalization;
using System.Net;
using Flip.FeatureStore.Schema;

namespace Flip.FeatureStore.Readers;

/// <summary>
/// What the two Book-Crossing readers share: the schema, the label rule, synthetic event times and value cleaning.
/// Book-Crossing has no timestamps, so rows keep file order and data row i (0-based, counting every rating row)
/// gets <see cref="SyntheticStart"/> + i seconds: strictly increasing, deterministic, and inside the crawl month.
/// </summary>
public static class BookCrossingFields
{
    /// <summary>Start of the synthetic clock: 2004-09-01T00:00:00Z (the dump was crawled in August-September 2004).</summary>
    public static readonly DateTime SyntheticStart = new(2004, 9, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Youngest age kept; smaller values (0-4, common in the dump) read "unknown".</summary>
    public const int MinPlausibleAge = 5;

    /// <summary>Oldest age kept; larger values (up to 244 in the dump) read "unknown".</summary>
    public const int MaxPlausibleAge = 100;

    /// <summary>
    /// The paper's 8 fields, in its order (user side, then book side): User ID, Location (one field), Age, ISBN, Book
    /// title, Author, Publication year, Publisher. 15% of 8 fields masks 1 field per row, as in the paper.
    /// </summary>
    public static IReadOnlyList<FieldSchema> Fields { get; } =
    [
        new FieldSchema("user_id", "user id"),
        new FieldSchema("location", "location"),
        new FieldSchema("age", "age", FieldKind.Numeric),
        new FieldSchema("isbn", "isbn"),
        new FieldSchema("title", "book title"),
        new FieldSchema("author", "author"),
        new FieldSchema("year", "year of publication", FieldKind.Numeric),
        new FieldSchema("publisher", "publisher"),
    ];

    /// <summary>
    /// Rating (0-10) &gt; 5 is a click, anything else is not; rating-0 rows (implicit interactions) are kept as
    /// negatives, as in the paper's 1,031,171 samples.
    /// </summary>
    public static LabelRule LabelRule { get; } = new(5);

    /// <summary>Values for a rating whose user is missing from the users file.</summary>
    internal static readonly string[] UnknownUser = [Demographics.Unknown, Demographics.Unknown];

    /// <summary>Values for a rating whose book is missing from the books file.</summary>
    internal static readonly string[] UnknownBook = [Demographics.Unknown, Demographics.Unknown, Demographics.Unknown, Demographics.Unknown];

    /// <summary>Synthetic event time of data row <paramref name="rowIndex"/>.</summary>
    public static DateTime SyntheticTime(long rowIndex) => SyntheticStart.AddSeconds(rowIndex);

    /// <summary>
    /// Cleans a location part or age: trims spaces and stray quote characters (the subset has values like
    /// <c> canada"</c> and <c> \"n/a\"</c>); empty and "n/a" become "unknown".
    /// </summary>
    public static string CleanPart(string raw)
    {
        string v = raw.Trim().Trim('"', '\\', '`', '\'', ' ', '\t');
        return v.Length == 0 || v.Equals("n/a", StringComparison.OrdinalIgnoreCase) || v.Equals("NULL", StringComparison.Ordinal)
            ? Demographics.Unknown
            : v;
    }

    /// <summary>Splits the dump's "city, state, country" (any extra middle parts go to the state).</summary>
    public static (string City, string State, string Country) SplitLocation(string location)
    {
        var parts = location.Split(',');
        return parts.Length switch
        {
            1 => (CleanPart(parts[0]), Demographics.Unknown, Demographics.Unknown),
            2 => (CleanPart(parts[0]), Demographics.Unknown, CleanPart(parts[1])),
            _ => (CleanPart(parts[0]), CleanPart(string.Join(",", parts[1..^1])), CleanPart(parts[^1])),
        };
    }

    /// <summary>
    /// The location field: the known parts of city, state, country joined by ", " (unknown parts left out), or
    /// "unknown" when no part is known.
    /// </summary>
    public static string LocationText(string city, string state, string country)
    {
        var known = new[] { city, state, country }.Where(p => p != Demographics.Unknown).ToArray();
        return known.Length == 0 ? Demographics.Unknown : string.Join(", ", known);
    }

    /// <summary>Age text: an age group, "unknown" when missing or implausible, or null when it is not a number at all.</summary>
    public static string? AgeText(string raw)
    {
        string v = CleanPart(raw);
        if (v == Demographics.Unknown) return v;
        if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double age)) return null;
        return age is >= MinPlausibleAge and <= MaxPlausibleAge ? Demographics.AgeGroup((int)age) : Demographics.Unknown;
    }

    /// <summary>Year text: the year, "unknown" for 0 or empty, or null when not a number.</summary>
    public static string? YearText(string raw)
    {
        string v = raw.Trim();
        if (v.Length == 0) return Demographics.Unknown;
        if (!int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int year)) return null;
        return year == 0 ? Demographics.Unknown : v;
    }

    /// <summary>Book text fields: trimmed, HTML entities decoded (the dump writes "&amp;amp;"), empty -> "unknown".</summary>
    public static string BookText(string raw)
    {
        string v = raw.Contains('&') ? WebUtility.HtmlDecode(raw) : raw;
        v = v.Trim();
        return v.Length == 0 ? Demographics.Unknown : v;
    }

    /// <summary>Parses a 0-10 rating, or null.</summary>
    public static int? Rating(string raw) =>
        int.TryParse(raw.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int r) && r is >= 0 and <= 10 ? r : null;
}
