using System.Text;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;

namespace Flip.FeatureStore.Readers;

/// <summary>
/// The redistributed Book-Crossing subset (UTF-8, comma-separated with a header, RFC 4180 quoting):
/// BX-Ratings.csv <c>User-ID,ISBN,Book-Rating</c>; BX-Users.csv <c>User-ID,User-City,User-State,User-Country,User-Age</c>
/// (values such as <c> canada"</c> are cleaned of spaces and stray quotes; empty and "n/a" read "unknown");
/// BX-Books.csv <c>ISBN,Book-Title,Book-Author,Year-Of-Publication,Book-Publisher</c>.
/// Every rating of the subset joins a user and a book, so a rating that does not is a malformed row.
/// City, state and country form the one location field. The shared subset holds explicit ratings (1-10) only.
/// Label: rating &gt; 5 -> 1 else 0. No timestamps: file order with synthetic times (see <see cref="BookCrossingFields"/>).
/// Id: <c>bx-&lt;user&gt;-&lt;isbn&gt;</c>.
/// </summary>
public sealed class BookCrossingSubsetReader : DatasetReaderBase
{
    /// <summary>user_id, location, age, isbn, title, author, year, publisher (the paper's 8 fields).</summary>
    public static DatasetSchema Schema { get; } = new("bookcrossing", BookCrossingFields.Fields, BookCrossingFields.LabelRule);

    private static readonly BookCrossingLoader.Format SubsetFormat = new(
        "BX-Ratings.csv", "BX-Users.csv", "BX-Books.csv", new UTF8Encoding(false, throwOnInvalidBytes: true), ',',
        ["User-City", "User-State", "User-Country"], "User-Age", "Book-Publisher", FillMissingJoins: false);

    /// <param name="folder">Folder holding BX-Ratings.csv, BX-Users.csv and BX-Books.csv.</param>
    /// <param name="options">Malformed-row policy.</param>
    public BookCrossingSubsetReader(string folder, ReaderOptions? options = null) : base(folder, options)
    {
        RequireFile(SubsetFormat.RatingsFile);
        RequireFile(SubsetFormat.UsersFile);
        RequireFile(SubsetFormat.BooksFile);
    }

    private protected override DatasetSchema DescribedSchema => Schema;

    private protected override void ReadAll(List<ClickEvent> events, MalformedRows malformed) =>
        new BookCrossingLoader(SubsetFormat, Folder, Stats, malformed).ReadAll(events);
}
