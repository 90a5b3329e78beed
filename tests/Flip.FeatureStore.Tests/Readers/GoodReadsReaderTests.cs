using System.IO.Compression;
using System.Text;
using Flip.FeatureStore.Readers;

namespace Flip.FeatureStore.Tests.Readers;

/// <summary>GoodReads reader on fixtures in the UCSD Book Graph JSON-lines format.</summary>
public sealed class GoodReadsReaderTests
{
    private static readonly Encoding Utf8 = new UTF8Encoding(false);

    private const string Books =
        """
        {"isbn": "0312853122", "text_reviews_count": "1", "series": [], "country_code": "US", "language_code": "eng", "popular_shelves": [{"count": "3", "name": "to-read"}, {"count": "1", "name": "p"}, {"count": "1", "name": "collection"}, {"count": "1", "name": "w"}], "asin": "", "is_ebook": "false", "average_rating": "4.00", "kindle_asin": "", "similar_books": [], "description": "", "format": "Paperback", "link": "https://www.goodreads.com/book/show/5333265", "authors": [{"author_id": "604031", "role": ""}], "publisher": "St. Martin's Press", "num_pages": "256", "publication_day": "1", "isbn13": "9780312853129", "publication_month": "9", "edition_information": "", "publication_year": "1984", "url": "https://www.goodreads.com/book/show/5333265", "image_url": "https://images.gr-assets.com/books/1310220028m/5333265.jpg", "book_id": "5333265", "ratings_count": "3", "work_id": "5400751", "title": "W.C. Fields: A Life on Film", "title_without_series": "W.C. Fields: A Life on Film"}
        {"book_id": "1333909", "title": "Good Harbor", "authors": [{"author_id": "626222", "role": ""}, {"author_id": "1", "role": "Editor"}], "publisher": "", "publication_year": "", "language_code": "", "num_pages": "", "format": "", "is_ebook": "true", "average_rating": "3.23", "ratings_count": "10643", "text_reviews_count": "0", "country_code": "US", "popular_shelves": []}

        """;

    private const string Authors = """{"average_rating": "3.98", "author_id": "604031", "text_reviews_count": "7", "name": "Ronald J. Fields", "ratings_count": "49"}""" + "\n";

    private static string Interaction(string user, string book, int rating, string date) =>
        $$"""{"user_id": "{{user}}", "book_id": "{{book}}", "review_id": "r", "is_read": true, "rating": {{rating}}, "review_text_incomplete": "", "date_added": "{{date}}", "date_updated": "{{date}}", "read_at": "", "started_at": ""}""" + "\n";

    private static FixtureFolder Fixture(string interactions) => new FixtureFolder()
        .Write("goodreads_books_poetry.json", Books, Utf8)
        .Write("goodreads_book_authors.json", Authors, Utf8)
        .Write("goodreads_interactions_poetry.json", interactions, Utf8);

    [Fact]
    public void Interactions_join_books_in_date_order_with_bucketized_numbers()
    {
        using var dir = Fixture(
            Interaction("u1", "5333265", 5, "Sun Jul 30 07:44:10 -0700 2017") +
            Interaction("u2", "1333909", 3, "Sun Jul 30 14:00:00 +0000 2017") +
            Interaction("u3", "1333909", 0, "Mon Jan 02 00:00:00 -0800 2012"));
        var reader = new GoodReadsReader(dir.Path);
        var events = reader.ReadEvents().ToList();

        Assert.Equal(["gr-u3-1333909", "gr-u2-1333909", "gr-u1-5333265"], events.Select(e => e.Id));
        Assert.Equal(new DateTime(2017, 7, 30, 14, 44, 10, DateTimeKind.Utc), events[2].EventTime);
        Assert.Equal(new DateTime(2012, 1, 2, 8, 0, 0, DateTimeKind.Utc), events[0].EventTime);
        Assert.Equal(
            ["u1", "5333265", "W.C. Fields: A Life on Film", "Ronald J. Fields", "St. Martin's Press", "1984", "eng", "200-299", "Paperback", "no", "4.0-4.5", "1-9", "1-9", "US", "to-read, p, collection"],
            events[2].Values);
        Assert.Equal(
            ["u2", "1333909", "Good Harbor", "626222, 1", "unknown", "unknown", "unknown", "unknown", "unknown", "yes", "3.0-3.5", "10000-99999", "0", "US", "unknown"],
            events[1].Values);
        Assert.Equal([0, 0, 1], events.Select(e => (int)e.Label));
        Assert.Equal(15, GoodReadsReader.Schema.FieldCount);
    }

    [Fact]
    public void Gzipped_files_and_repeated_pairs_across_files_are_handled()
    {
        using var dir = Fixture(Interaction("u1", "5333265", 4, "Sun Jul 30 07:44:10 -0700 2017"));
        using (var gz = new GZipStream(File.Create(dir.File("goodreads_interactions_young_adult.json.gz")), CompressionLevel.Fastest))
            gz.Write(Utf8.GetBytes(Interaction("u1", "5333265", 4, "Sun Jul 30 07:44:10 -0700 2017") + Interaction("u9", "1333909", 4, "Sun Jul 30 07:44:10 -0700 2017")));
        var reader = new GoodReadsReader(dir.Path);
        Assert.Equal(["gr-u1-5333265", "gr-u9-1333909"], reader.ReadEvents().Select(e => e.Id));
        Assert.Equal(1, reader.Stats.DroppedByFilter);
        Assert.Equal(3, reader.Stats.RowsRead);
    }

    [Theory]
    [InlineData("{\"user_id\": \"u\", \"book_id\": \"5333265\", \"rating\": 4, \"date_added\": \"30/07/2017\"}", "date_added '30/07/2017'")]
    [InlineData("{\"user_id\": \"u\", \"book_id\": \"42\", \"rating\": 4, \"date_added\": \"Sun Jul 30 07:44:10 -0700 2017\"}", "unknown book id 42")]
    [InlineData("{\"user_id\": \"u\", \"book_id\": \"5333265\", \"rating\": \"four\", \"date_added\": \"Sun Jul 30 07:44:10 -0700 2017\"}", "rating '\"four\"'")]
    [InlineData("{\"user_id\": \"u\", ", "not valid JSON")]
    public void Malformed_interactions_name_file_and_line_or_are_skipped(string badLine, string problem)
    {
        using var dir = Fixture(Interaction("u1", "5333265", 5, "Sun Jul 30 07:44:10 -0700 2017") + "\n" + badLine + "\n");
        var e = Assert.Throws<DatasetFormatException>(() => new GoodReadsReader(dir.Path).ReadEvents());
        Assert.Equal(("goodreads_interactions_poetry.json", 3L), (e.File, e.Line));
        Assert.Contains(problem, e.Problem);

        var reader = new GoodReadsReader(dir.Path, new ReaderOptions { SkipMalformed = true });
        Assert.Single(reader.ReadEvents());
        Assert.Equal(1, reader.Stats.SkippedMalformed);
    }

    [Fact]
    public void Missing_books_file_is_named()
    {
        using var dir = new FixtureFolder().Write("goodreads_interactions_poetry.json", "", Utf8);
        var e = Assert.Throws<FileNotFoundException>(() => new GoodReadsReader(dir.Path));
        Assert.Contains("goodreads_books", e.Message);
    }

    [Theory]
    [InlineData(null, "unknown")]
    [InlineData(0.0, "unknown")]
    [InlineData(42.0, "under 100")]
    [InlineData(100.0, "100-199")]
    [InlineData(499.0, "400-499")]
    [InlineData(1200.0, "500 or more")]
    public void Pages_bucket(double? pages, string expected) => Assert.Equal(expected, GoodReadsReader.PagesBucket(pages));

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(9.0, "1-9")]
    [InlineData(10.0, "10-99")]
    [InlineData(123456.0, "100000 or more")]
    public void Count_bucket(double count, string expected) => Assert.Equal(expected, GoodReadsReader.CountBucket(count));

    [Theory]
    [InlineData(5.0, "4.5-5.0")]
    [InlineData(3.49, "3.0-3.5")]
    [InlineData(0.0, "unknown")]
    public void Average_rating_bucket(double rating, string expected) => Assert.Equal(expected, GoodReadsReader.AverageRatingBucket(rating));
}
