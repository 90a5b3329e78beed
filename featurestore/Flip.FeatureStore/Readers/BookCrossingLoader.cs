using System.Text;
using Flip.FeatureStore.Events;

namespace Flip.FeatureStore.Readers;

/// <summary>
/// The join both Book-Crossing formats share: users and books into dictionaries, then ratings in file order.
/// Ratings of 0 are Book-Crossing's implicit interactions (no explicit rating): they are kept as negatives (rating
/// 0 is not &gt; 5), as the paper's 1,031,171 samples are (the full dump's rating rows, implicit ones included).
/// </summary>
internal sealed class BookCrossingLoader
{
    /// <summary>File names, encoding, delimiter and column names of one format.</summary>
    internal sealed record Format(
        string RatingsFile, string UsersFile, string BooksFile, Encoding Encoding, char Delimiter,
        string[] LocationColumns, string AgeColumn, string PublisherColumn, bool FillMissingJoins);

    private readonly Format _format;
    private readonly string _folder;
    private readonly ReaderStats _stats;
    private readonly MalformedRows _malformed;

    public BookCrossingLoader(Format format, string folder, ReaderStats stats, MalformedRows malformed)
    {
        _format = format;
        _folder = folder;
        _stats = stats;
        _malformed = malformed;
    }

    public void ReadAll(List<ClickEvent> events)
    {
        var users = ReadUsers();
        var books = ReadBooks();
        var rule = BookCrossingFields.LabelRule;
        using var t = CsvTable.Open(Path.Combine(_folder, _format.RatingsFile), _format.Encoding, _format.Delimiter, "User-ID", "ISBN", "Book-Rating");
        int cUser = t.Column("User-ID"), cIsbn = t.Column("ISBN"), cRating = t.Column("Book-Rating");
        var ids = new HashSet<string>(StringComparer.Ordinal);
        long row = -1;
        while (t.ReadNext())
        {
            row++;
            _stats.RowsRead++;
            string? problem = t.CheckFieldCount();
            if (problem is null)
            {
                var f = t.Fields;
                string userId = f[cUser].Trim(), isbn = f[cIsbn].Trim();
                int? rating = BookCrossingFields.Rating(f[cRating]);
                bool hasUser = users.TryGetValue(userId, out var user);
                bool hasBook = books.TryGetValue(isbn, out var book);
                string id = "";
                if (rating is null) problem = $"rating '{f[cRating]}' is not an integer in 0-10";
                else if (userId.Length == 0) problem = "user id is empty";
                else if (isbn.Length == 0) problem = "ISBN is empty";
                else if (!hasUser && !_format.FillMissingJoins) problem = $"unknown user id {userId} (not in {_format.UsersFile})";
                else if (!hasBook && !_format.FillMissingJoins) problem = $"unknown ISBN {isbn} (not in {_format.BooksFile})";
                else if (!ids.Add(id = $"bx-{userId}-{isbn}")) problem = $"user {userId} rated ISBN {isbn} twice";
                else
                {
                    if (!hasUser || !hasBook) _stats.FilledMissingJoin++;
                    user ??= BookCrossingFields.UnknownUser;
                    book ??= BookCrossingFields.UnknownBook;
                    int label = rule.Apply(rating.Value)!.Value;
                    string[] values = [userId, user[0], user[1], isbn, book[0], book[1], book[2], book[3]];
                    events.Add(new ClickEvent(id, BookCrossingFields.SyntheticTime(row), values, (byte)label));
                    continue;
                }
            }
            _malformed.Report(t.File, t.Line, problem);
        }
    }

    /// <summary>User id -> [location, age].</summary>
    private Dictionary<string, string[]> ReadUsers()
    {
        string[] required = ["User-ID", .. _format.LocationColumns, _format.AgeColumn];
        var users = new Dictionary<string, string[]>(StringComparer.Ordinal);
        using var t = CsvTable.Open(Path.Combine(_folder, _format.UsersFile), _format.Encoding, _format.Delimiter, required);
        int cId = t.Column("User-ID"), cAge = t.Column(_format.AgeColumn);
        int[] cLocation = _format.LocationColumns.Select(t.Column).ToArray();
        while (t.ReadNext())
        {
            string? problem = t.CheckFieldCount();
            if (problem is null)
            {
                var f = t.Fields;
                string id = f[cId].Trim();
                string? age = BookCrossingFields.AgeText(f[cAge]);
                if (id.Length == 0) problem = "user id is empty";
                else if (age is null) problem = $"age '{f[cAge]}' is not a number";
                else if (users.ContainsKey(id)) problem = $"user id {id} appears twice";
                else
                {
                    var (city, state, country) = cLocation.Length == 1
                        ? BookCrossingFields.SplitLocation(f[cLocation[0]])
                        : (BookCrossingFields.CleanPart(f[cLocation[0]]), BookCrossingFields.CleanPart(f[cLocation[1]]), BookCrossingFields.CleanPart(f[cLocation[2]]));
                    users.Add(id, [BookCrossingFields.LocationText(city, state, country), age]);
                    continue;
                }
            }
            _malformed.Report(t.File, t.Line, problem);
        }
        return users;
    }

    /// <summary>ISBN -> [title, author, year, publisher]. Exact match: the subset lists "039592720X" and "039592720x" as two books.</summary>
    private Dictionary<string, string[]> ReadBooks()
    {
        var books = new Dictionary<string, string[]>(StringComparer.Ordinal);
        using var t = CsvTable.Open(Path.Combine(_folder, _format.BooksFile), _format.Encoding, _format.Delimiter,
            "ISBN", "Book-Title", "Book-Author", "Year-Of-Publication", _format.PublisherColumn);
        int cIsbn = t.Column("ISBN"), cTitle = t.Column("Book-Title"), cAuthor = t.Column("Book-Author"),
            cYear = t.Column("Year-Of-Publication"), cPublisher = t.Column(_format.PublisherColumn);
        while (t.ReadNext())
        {
            string? problem = t.CheckFieldCount();
            if (problem is null)
            {
                var f = t.Fields;
                string isbn = f[cIsbn].Trim();
                string? year = BookCrossingFields.YearText(f[cYear]);
                if (isbn.Length == 0) problem = "ISBN is empty";
                else if (year is null) problem = $"year of publication '{f[cYear]}' is not a number";
                else if (books.ContainsKey(isbn)) problem = $"ISBN {isbn} appears twice";
                else
                {
                    books.Add(isbn, [BookCrossingFields.BookText(f[cTitle]), BookCrossingFields.BookText(f[cAuthor]), year, BookCrossingFields.BookText(f[cPublisher])]);
                    continue;
                }
            }
            _malformed.Report(t.File, t.Line, problem);
        }
        return books;
    }
}
