using Flip.FeatureStore.Readers;

namespace Flip.FeatureStore.Tests.Readers;

/// <summary>MovieLens-1M reader on small fixtures in the original format.</summary>
public sealed class MovieLens1MReaderTests
{
    private const string Users = "1::F::1::10::48067\n2::M::56::16::70072\n3::M::25::4::55117\n";
    private const string Movies = "1::Toy Story (1995)::Animation|Children's|Comedy\n2::Jumanji (1995)::Adventure|Children's|Fantasy\n3::Amélie (2001)::Comedy|Romance\n";

    private static FixtureFolder Fixture(string ratings) =>
        new FixtureFolder().Write("users.dat", Users).Write("movies.dat", Movies).Write("ratings.dat", ratings);

    [Fact]
    public void Codes_become_text_and_the_label_rule_applies()
    {
        using var dir = Fixture("1::1::5::100\n2::2::3::50\n3::3::1::200\n");
        var reader = new MovieLens1MReader(dir.Path);
        var events = reader.ReadEvents().ToList();

        Assert.Equal(2, events.Count);
        Assert.Equal("ml1m-1-1", events[0].Id);
        Assert.Equal(["1", "female", "under 18", "K-12 student", "48067", "1", "Toy Story (1995)", "Animation, Children's, Comedy"], events[0].Values);
        Assert.Equal(1, events[0].Label);
        Assert.Equal(DateTime.UnixEpoch.AddSeconds(100), events[0].EventTime);
        Assert.Equal(["3", "male", "25-34", "college/grad student", "55117", "3", "Amélie (2001)", "Comedy, Romance"], events[1].Values);
        Assert.Equal(0, events[1].Label);
        Assert.Equal(3, reader.Stats.RowsRead);
        Assert.Equal(1, reader.Stats.DroppedByLabelRule);
        Assert.Equal(MovieLens1MReader.Schema.FieldCount, events[0].Values.Length);
    }

    [Fact]
    public void Events_come_in_time_order_and_ties_keep_file_order()
    {
        using var dir = Fixture("1::1::5::300\n2::1::5::100\n3::1::5::200\n1::2::4::100\n1::3::1::100\n");
        var ids = new MovieLens1MReader(dir.Path).ReadEvents().Select(e => e.Id).ToList();
        Assert.Equal(["ml1m-2-1", "ml1m-1-2", "ml1m-1-3", "ml1m-3-1", "ml1m-1-1"], ids);
    }

    [Theory]
    [InlineData("1::1::5\n", "expected 4 fields")]
    [InlineData("1::1::five::100\n", "rating 'five' is not an integer")]
    [InlineData("9::1::5::100\n", "unknown user id 9")]
    [InlineData("1::99::5::100\n", "unknown movie id 99")]
    [InlineData("1::1::5::yesterday\n", "timestamp 'yesterday' is not an integer")]
    [InlineData("1::1::7::100\n", "rating 7 is outside 1-5")]
    public void A_malformed_rating_row_names_file_line_and_problem(string badRow, string problem)
    {
        using var dir = Fixture("1::2::5::100\n" + badRow);
        var e = Assert.Throws<DatasetFormatException>(() => new MovieLens1MReader(dir.Path).ReadEvents());
        Assert.Equal("ratings.dat", e.File);
        Assert.Equal(2, e.Line);
        Assert.Contains(problem, e.Problem);
        Assert.StartsWith("ratings.dat:2: ", e.Message);
    }

    [Fact]
    public void A_malformed_user_row_is_reported_in_users_dat()
    {
        using var dir = new FixtureFolder().Write("users.dat", "1::F::1::10::48067\n2::X::56::16::70072\n")
            .Write("movies.dat", Movies).Write("ratings.dat", "1::1::5::1\n");
        var e = Assert.Throws<DatasetFormatException>(() => new MovieLens1MReader(dir.Path).ReadEvents());
        Assert.Equal(("users.dat", 2L), (e.File, e.Line));
        Assert.Contains("gender 'X'", e.Problem);
    }

    [Fact]
    public void Skip_mode_counts_and_shows_skipped_rows()
    {
        using var dir = Fixture("1::1::5::100\n1::2::x::100\n9::1::5::100\n2::2::4::100\n");
        var reader = new MovieLens1MReader(dir.Path, new ReaderOptions { SkipMalformed = true });
        var events = reader.ReadEvents().ToList();
        Assert.Equal(["ml1m-1-1", "ml1m-2-2"], events.Select(e => e.Id));
        Assert.Equal(2, reader.Stats.SkippedMalformed);
        Assert.Equal(4, reader.Stats.RowsRead);
        Assert.Equal(["ratings.dat:2: rating 'x' is not an integer", "ratings.dat:3: unknown user id 9 (not in users.dat)"], reader.Stats.SkippedExamples);
    }

    [Fact]
    public void Stats_restart_on_each_read()
    {
        using var dir = Fixture("1::1::5::100\n1::2::x::100\n");
        var reader = new MovieLens1MReader(dir.Path, new ReaderOptions { SkipMalformed = true });
        reader.ReadEvents();
        reader.ReadEvents();
        Assert.Equal(1, reader.Stats.SkippedMalformed);
        Assert.Single(reader.Stats.SkippedExamples);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        using var dir = new FixtureFolder().Write("users.dat", Users).Write("ratings.dat", "");
        var e = Assert.Throws<FileNotFoundException>(() => new MovieLens1MReader(dir.Path));
        Assert.Contains("movies.dat", e.Message);
    }

    [Fact]
    public void Latin1_titles_are_decoded()
    {
        using var dir = Fixture("1::3::5::100\n");
        Assert.Equal("Amélie (2001)", new MovieLens1MReader(dir.Path).ReadEvents().Single().Values[6]);
    }
}
