using Flip.FeatureStore.Readers;

namespace Flip.FeatureStore.Tests.Readers;

/// <summary>MovieLens-100K reader on fixtures in the original u.data/u.user/u.item/u.genre formats.</summary>
public sealed class MovieLens100KReaderTests
{
    private const string Users = "1|24|M|technician|85711\n2|53|F|other|94043\n3|15|M|student|32067\n";
    private const string Genres = "unknown|0\nAction|1\nAdventure|2\nAnimation|3\nChildren's|4\nComedy|5\nCrime|6\nDocumentary|7\nDrama|8\nFantasy|9\n" +
                                  "Film-Noir|10\nHorror|11\nMusical|12\nMystery|13\nRomance|14\nSci-Fi|15\nThriller|16\nWar|17\nWestern|18\n\n";

    private static string Item(int id, string title, string flags) =>
        $"{id}|{title}|01-Jan-1995||http://us.imdb.com/M/title-exact?x|{string.Join('|', flags.ToCharArray())}\n";

    private static readonly string Items =
        Item(1, "Toy Story (1995)", "0001110000000000000") +
        Item(2, "GoldenEye (1995)", "0110000000000000100") +
        Item(3, "Café au lait (1993)", "1000000000000000000");

    private static FixtureFolder Fixture(string data, bool withGenreFile = true)
    {
        var dir = new FixtureFolder().Write("u.user", Users).Write("u.item", Items).Write("u.data", data);
        return withGenreFile ? dir.Write("u.genre", Genres) : dir;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Genre_flags_ages_and_labels_become_the_movielens_fields(bool withGenreFile)
    {
        using var dir = Fixture("1\t1\t5\t881250949\n2\t2\t3\t881250950\n3\t3\t2\t881250000\n", withGenreFile);
        var reader = new MovieLens100KReader(dir.Path);
        var events = reader.ReadEvents().ToList();

        Assert.Equal(["ml100k-3-3", "ml100k-1-1"], events.Select(e => e.Id));
        Assert.Equal(["3", "male", "under 18", "student", "32067", "3", "Café au lait (1993)", "unknown"], events[0].Values);
        Assert.Equal(0, events[0].Label);
        Assert.Equal(["1", "male", "18-24", "technician", "85711", "1", "Toy Story (1995)", "Animation, Children's, Comedy"], events[1].Values);
        Assert.Equal(DateTime.UnixEpoch.AddSeconds(881250949), events[1].EventTime);
        Assert.Equal(1, reader.Stats.DroppedByLabelRule);
        Assert.Equal(MovieLens1MReader.Schema.FieldNames, MovieLens100KReader.Schema.FieldNames);
    }

    [Fact]
    public void A_genre_file_with_its_own_order_is_followed()
    {
        using var dir = Fixture("1\t2\t4\t10\n").Write("u.genre", string.Join("\n", MovieLens100KReader.DefaultGenres.Select((g, i) => $"{(i == 1 ? "Action!" : g)}|{i}")));
        Assert.Equal("Action!, Adventure, Thriller", new MovieLens100KReader(dir.Path).ReadEvents().Single().Values[7]);
    }

    [Fact]
    public void A_bad_genre_flag_names_u_item_and_the_line()
    {
        using var dir = Fixture("1\t1\t5\t1\n").Write("u.item", Items + Item(4, "Bad", "0000000000000000002"));
        var e = Assert.Throws<DatasetFormatException>(() => new MovieLens100KReader(dir.Path).ReadEvents());
        Assert.Equal(("u.item", 4L), (e.File, e.Line));
        Assert.Contains("not 0 or 1", e.Problem);
    }

    [Fact]
    public void A_row_with_a_wrong_column_count_or_unknown_item_is_malformed_and_skippable()
    {
        using var dir = Fixture("1\t1\t5\t1\n1\t2\t5\n2\t77\t5\t3\n");
        var e = Assert.Throws<DatasetFormatException>(() => new MovieLens100KReader(dir.Path).ReadEvents());
        Assert.Equal(("u.data", 2L), (e.File, e.Line));
        Assert.Contains("expected 4 fields", e.Problem);

        var reader = new MovieLens100KReader(dir.Path, new ReaderOptions { SkipMalformed = true });
        Assert.Single(reader.ReadEvents());
        Assert.Equal(2, reader.Stats.SkippedMalformed);
        Assert.Contains("u.data:3: unknown item id 77 (not in u.item)", reader.Stats.SkippedExamples);
    }
}
