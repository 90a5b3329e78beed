using System.Text;
using Flip.FeatureStore.Readers;
using Flip.FeatureStore.Schema;

namespace Flip.FeatureStore.Tests.Readers;

/// <summary>The generic reader: the documented example in docs/examples, and fixtures for the other options.</summary>
public sealed class SchemaFileReaderTests
{
    private static readonly Encoding Utf8 = new UTF8Encoding(false);
    private static readonly string Example = Path.Combine(TestData.RepoRoot, "docs", "examples", "shop-clicks");

    [Fact]
    public void The_documented_example_reads_through_the_catalog()
    {
        var reader = DatasetCatalog.Open(Path.Combine(Example, "schema.json"), Example);
        var events = reader.ReadEvents().ToList();

        Assert.Equal(["user_id", "age", "city", "product_id", "title", "price", "device"], reader.Schema.FieldNames);
        Assert.Equal("product title", reader.Schema.Fields[4].TextName);
        Assert.Equal(FieldKind.Numeric, reader.Schema.Fields[5].Kind);
        Assert.Equal(["e2", "e1", "e3", "e4"], events.Select(e => e.Id)); // e1 and e3 tie and keep file order
        Assert.Equal(new DateTime(2024, 3, 1, 10, 30, 0, DateTimeKind.Utc), events[3].EventTime); // 12:30+02:00
        Assert.Equal(["u2", "45-49", "Portland, Oregon", "p2", "Rain jacket \"Storm\"", "100-199", "desktop"], events[0].Values);
        Assert.Equal(["u3", "unknown", "unknown", "p1", "Trail running shoes", "50-99", "unknown"], events[2].Values);
        Assert.Equal([0, 1, 0, 1], events.Select(e => (int)e.Label));
        Assert.Equal(1, reader.Stats.FilledMissingJoin);
    }

    private static FixtureFolder JsonLinesFixture(string schema, string clicks) => new FixtureFolder()
        .Write("schema.json", schema, Utf8)
        .Write("log.jsonl", clicks, Utf8);

    private const string RatingSchema = """
        {"name": "stars", "file": "log.jsonl", "format": "jsonl",
         "timestamp": {"column": "ts", "format": "unix-ms"},
         "label": {"rating": "stars", "positiveAbove": 3, "negativeBelow": 3},
         "fields": [{"name": "user"}, {"name": "item_id", "text": "item"}, {"name": "tags"}]}
        """;

    [Fact]
    public void Json_lines_with_a_rating_rule_and_generated_ids()
    {
        using var dir = JsonLinesFixture(RatingSchema,
            "{\"user\": \"a\", \"item_id\": 7, \"ts\": 2000, \"stars\": 5, \"tags\": [\"x\", \"y\"]}\n" +
            "{\"user\": \"b\", \"item_id\": 8, \"ts\": 1000, \"stars\": 3}\n" +
            "\n" +
            "{\"user\": \"c\", \"item_id\": 9, \"ts\": 1500.5, \"stars\": 1, \"tags\": null}\n");
        var reader = new SchemaFileReader(dir.File("schema.json"), dir.Path);
        var events = reader.ReadEvents().ToList();

        Assert.Equal(["stars-4", "stars-1"], events.Select(e => e.Id));
        Assert.Equal(DateTime.UnixEpoch.AddMilliseconds(1500.5), events[0].EventTime);
        Assert.Equal(["c", "9", "unknown"], events[0].Values);
        Assert.Equal(["a", "7", "x, y"], events[1].Values);
        Assert.Equal([0, 1], events.Select(e => (int)e.Label));
        Assert.Equal(1, reader.Stats.DroppedByLabelRule);
        Assert.Equal("user", reader.Schema.Fields[0].TextName);
        Assert.Equal("item", reader.Schema.Fields[1].TextName);
    }

    [Theory]
    [InlineData("{\"user\": \"a\", \"ts\": \"soon\", \"stars\": 5}", "timestamp 'soon' is not unix-ms")]
    [InlineData("{\"user\": \"a\", \"ts\": 1, \"stars\": \"many\"}", "rating 'many' is not a number")]
    [InlineData("[1, 2]", "expected a JSON object")]
    [InlineData("{\"user\": ", "not valid JSON")]
    public void Malformed_json_rows_name_file_and_line(string badLine, string problem)
    {
        using var dir = JsonLinesFixture(RatingSchema, "{\"user\": \"a\", \"ts\": 1, \"stars\": 5}\n" + badLine + "\n");
        var e = Assert.Throws<DatasetFormatException>(() => new SchemaFileReader(dir.File("schema.json"), dir.Path).ReadEvents());
        Assert.Equal(("log.jsonl", 2L), (e.File, e.Line));
        Assert.Contains(problem, e.Problem);

        var reader = new SchemaFileReader(dir.File("schema.json"), dir.Path, new ReaderOptions { SkipMalformed = true });
        Assert.Single(reader.ReadEvents());
        Assert.Equal(1, reader.Stats.SkippedMalformed);
    }

    [Fact]
    public void Csv_with_tab_delimiter_latin1_strict_join_and_repeated_ids()
    {
        using var dir = new FixtureFolder()
            .Write("s.json", """
                {"name": "t", "file": "c.tsv", "delimiter": "\t", "encoding": "latin-1", "id": "id",
                 "timestamp": {"column": "t"}, "label": {"column": "y"},
                 "fields": [{"name": "u"}, {"name": "nom", "from": "users"}],
                 "joins": [{"name": "users", "file": "u.csv", "key": "u", "encoding": "latin-1"}]}
                """, Utf8)
            .Write("c.tsv", "id\tt\tu\ty\n1\t20\tx\t1\n2\t10\tz\t0\n1\t30\tx\t0\n3\t40\tq\t1\n")
            .Write("u.csv", "u,nom\nx,Zoé\nz,Åsa\n");
        var e = Assert.Throws<DatasetFormatException>(() => DatasetCatalog.Open(dir.File("s.json"), dir.Path).ReadEvents());
        Assert.Equal(("c.tsv", 4L), (e.File, e.Line));
        Assert.Contains("id '1' appears twice", e.Problem);

        var reader = DatasetCatalog.Open(dir.File("s.json"), dir.Path, new ReaderOptions { SkipMalformed = true });
        var events = reader.ReadEvents().ToList();
        Assert.Equal(["2", "1"], events.Select(x => x.Id));
        Assert.Equal(["x", "Zoé"], events[1].Values);
        Assert.Equal(DateTime.UnixEpoch.AddSeconds(20), events[1].EventTime);
        Assert.Equal(2, reader.Stats.SkippedMalformed);
        Assert.Contains("c.tsv:5: 'q' in column 'u' has no row in u.csv", reader.Stats.SkippedExamples);
    }

    [Fact]
    public void Bytes_that_are_not_utf8_are_a_format_error_naming_the_file()
    {
        using var dir = new FixtureFolder()
            .Write("s.json", """{"name": "n", "file": "c.csv", "label": {"column": "y"}, "fields": [{"name": "a"}]}""", Utf8)
            .Write("c.csv", "a,y\nZoé,1\n", Encoding.Latin1);
        var e = Assert.Throws<DatasetFormatException>(() => new SchemaFileReader(dir.File("s.json"), dir.Path).ReadEvents());
        Assert.Equal("c.csv", e.File);
        Assert.Contains("not valid in the file's encoding", e.Problem);
    }

    [Fact]
    public void A_bad_schema_file_lists_every_problem()
    {
        using var dir = new FixtureFolder().Write("s.json", """{"name": "", "file": "c.csv", "label": {}, "fields": [{"name": "a", "from": "nowhere"}], "timestamp": {"column": "t", "format": "days"}}""", Utf8);
        var e = Assert.Throws<InvalidDataException>(() => new SchemaFileReader(dir.File("s.json"), dir.Path));
        Assert.Contains("'name' is required", e.Message);
        Assert.Contains("exactly one of 'column' and 'rating'", e.Message);
        Assert.Contains("unknown join 'nowhere'", e.Message);
        Assert.Contains("'timestamp.format' is 'days'", e.Message);
        Assert.Contains("s.json", e.Message);
    }

    [Fact]
    public void A_typo_in_a_property_name_is_an_error()
    {
        using var dir = new FixtureFolder().Write("s.json", """{"name": "n", "file": "c.csv", "lable": {"column": "y"}, "fields": [{"name": "a"}]}""", Utf8);
        var e = Assert.Throws<InvalidDataException>(() => new SchemaFileReader(dir.File("s.json"), dir.Path));
        Assert.Contains("lable", e.Message);
    }

    [Fact]
    public void A_missing_column_in_the_csv_header_is_named()
    {
        using var dir = new FixtureFolder()
            .Write("s.json", """{"name": "n", "file": "c.csv", "label": {"column": "y"}, "fields": [{"name": "a"}, {"name": "b"}]}""", Utf8)
            .Write("c.csv", "a,y\n1,1\n");
        var e = Assert.Throws<DatasetFormatException>(() => new SchemaFileReader(dir.File("s.json"), dir.Path).ReadEvents());
        Assert.Equal(("c.csv", 1L), (e.File, e.Line));
        Assert.Contains("lacks column(s) 'b'", e.Problem);
    }

    [Theory]
    [InlineData("1700000000", "unix-seconds", "2023-11-14T22:13:20Z")]
    [InlineData("1700000000123", "unix-ms", "2023-11-14T22:13:20.123Z")]
    [InlineData("2023-11-14T23:13:20+01:00", "iso-8601", "2023-11-14T22:13:20Z")]
    [InlineData("2023-11-14 22:13:20", "iso-8601", "2023-11-14T22:13:20Z")]
    public void Timestamps_parse_to_utc(string raw, string format, string expected)
    {
        Assert.True(SchemaFileReader.TryParseTime(raw, format, out var t));
        Assert.Equal(DateTimeKind.Utc, t.Kind);
        Assert.Equal(DateTime.Parse(expected, null, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal), t);
    }
}
