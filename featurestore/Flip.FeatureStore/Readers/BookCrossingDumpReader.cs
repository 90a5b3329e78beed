using System.Text;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;

namespace Flip.FeatureStore.Readers;

/// <summary>
/// The original Book-Crossing dump (Ziegler et al. 2005; latin-1, <c>;</c>-separated, double-quoted with <c>""</c>
/// escapes): BX-Book-Ratings.csv <c>"User-ID";"ISBN";"Book-Rating"</c>, BX-Users.csv <c>"User-ID";"Location";"Age"</c>
/// (Location "city, state, country"; Age may be NULL), BX-Books.csv <c>"ISBN";"Book-Title";"Book-Author";
/// "Year-Of-Publication";"Publisher";"Image-URL-S";...</c>. Ratings of 0 (implicit) are kept as negatives, as in the
/// paper. The location's parts are cleaned and kept as one field. Many ratings name ISBNs (and a few users) missing from the side files:
/// they are kept with "unknown" side values and counted in <see cref="ReaderStats.FilledMissingJoin"/>.
/// Label: rating &gt; 5 -> 1 else 0. No timestamps: file order with synthetic times. Id: <c>bx-&lt;user&gt;-&lt;isbn&gt;</c>.
/// </summary>
public sealed class BookCrossingDumpReader : DatasetReaderBase
{
    /// <summary>Same fields as <see cref="BookCrossingSubsetReader"/>.</summary>
    public static DatasetSchema Schema { get; } = new("bookcrossing-dump", BookCrossingFields.Fields, BookCrossingFields.LabelRule);

    private static readonly BookCrossingLoader.Format DumpFormat = new(
        "BX-Book-Ratings.csv", "BX-Users.csv", "BX-Books.csv", Encoding.Latin1, ';',
        ["Location"], "Age", "Publisher", FillMissingJoins: true);

    /// <param name="folder">Folder holding BX-Book-Ratings.csv, BX-Users.csv and BX-Books.csv.</param>
    /// <param name="options">Malformed-row policy.</param>
    public BookCrossingDumpReader(string folder, ReaderOptions? options = null) : base(folder, options)
    {
        RequireFile(DumpFormat.RatingsFile);
        RequireFile(DumpFormat.UsersFile);
        RequireFile(DumpFormat.BooksFile);
    }

    private protected override DatasetSchema DescribedSchema => Schema;

    private protected override void ReadAll(List<ClickEvent> events, MalformedRows malformed) =>
        new BookCrossingLoader(DumpFormat, Folder, Stats, malformed).ReadAll(events);
}
