using System.Text;
using Flip.FeatureStore.Readers;

namespace Flip.FeatureStore.Tests.Readers;

/// <summary>Both Book-Crossing formats on fixtures, and the subset reader on the real shared subset.</summary>
public sealed class BookCrossingReaderTests
{
    private static readonly Encoding Utf8 = new UTF8Encoding(false);

    private static FixtureFolder Subset(string ratings) => new FixtureFolder()
        .Write("BX-Users.csv", "User-ID,User-City,User-State,User-Country,User-Age\n8,timmins, ontario,\" canada\"\"\",\n12036,zurich, \\\"n/a\\\", switzerland\",\"34\"\"\"\n", Utf8)
        .Write("BX-Books.csv", "ISBN,Book-Title,Book-Author,Year-Of-Publication,Book-Publisher\n0002005018,Clara Callan,Richard Bruce Wright,2001,HarperFlamingo Canada\n" +
                               "0156528207,\"The Little Prince, Again\",Antoine de Saint-Exupéry,0,Harcourt\n", Utf8)
        .Write("BX-Ratings.csv", "User-ID,ISBN,Book-Rating\n" + ratings, Utf8);

    [Fact]
    public void Subset_rows_are_cleaned_joined_and_kept_in_file_order_with_synthetic_times()
    {
        using var dir = Subset("12036,0156528207,9\n8,0002005018,5\n8,0156528207,6\n");
        var reader = new BookCrossingSubsetReader(dir.Path);
        var events = reader.ReadEvents().ToList();

        Assert.Equal(["bx-12036-0156528207", "bx-8-0002005018", "bx-8-0156528207"], events.Select(e => e.Id));
        // The paper's 8 fields: city, state and country are one location field (unknown parts left out).
        Assert.Equal(8, BookCrossingSubsetReader.Schema.FieldCount);
        Assert.Equal(["12036", "zurich, switzerland", "25-34", "0156528207", "The Little Prince, Again", "Antoine de Saint-Exupéry", "unknown", "Harcourt"], events[0].Values);
        Assert.Equal(["8", "timmins, ontario, canada", "unknown", "0002005018", "Clara Callan", "Richard Bruce Wright", "2001", "HarperFlamingo Canada"], events[1].Values);
        Assert.Equal([1, 0, 1], events.Select(e => (int)e.Label));
        Assert.Equal([BookCrossingFields.SyntheticStart, BookCrossingFields.SyntheticStart.AddSeconds(1), BookCrossingFields.SyntheticStart.AddSeconds(2)], events.Select(e => e.EventTime));
        Assert.Equal(0, reader.Stats.FilledMissingJoin);
    }

    [Fact]
    public void Subset_rating_without_a_user_or_book_is_malformed()
    {
        using var dir = Subset("8,0002005018,5\n999,0002005018,5\n8,123,5\n");
        var e = Assert.Throws<DatasetFormatException>(() => new BookCrossingSubsetReader(dir.Path).ReadEvents());
        Assert.Equal(("BX-Ratings.csv", 3L), (e.File, e.Line));
        Assert.Contains("unknown user id 999", e.Problem);

        var reader = new BookCrossingSubsetReader(dir.Path, new ReaderOptions { SkipMalformed = true });
        Assert.Single(reader.ReadEvents());
        Assert.Equal(2, reader.Stats.SkippedMalformed);
        Assert.Contains("BX-Ratings.csv:4: unknown ISBN 123 (not in BX-Books.csv)", reader.Stats.SkippedExamples);
    }

    [Fact]
    public void Subset_bad_rating_and_column_count_name_the_line()
    {
        using var dir = Subset("8,0002005018,good\n");
        var e = Assert.Throws<DatasetFormatException>(() => new BookCrossingSubsetReader(dir.Path).ReadEvents());
        Assert.Equal(2, e.Line);
        Assert.Contains("rating 'good'", e.Problem);

        using var dir3 = Subset("8,0002005018,5\n8,0002005018,6\n");
        e = Assert.Throws<DatasetFormatException>(() => new BookCrossingSubsetReader(dir3.Path).ReadEvents());
        Assert.Equal(3, e.Line);
        Assert.Contains("user 8 rated ISBN 0002005018 twice", e.Problem);

        using var dir2 = Subset("8,0002005018\n");
        e = Assert.Throws<DatasetFormatException>(() => new BookCrossingSubsetReader(dir2.Path).ReadEvents());
        Assert.Contains("expected 3 fields", e.Problem);
    }

    private static FixtureFolder Dump(string ratings) => new FixtureFolder()
        .Write("BX-Users.csv", "\"User-ID\";\"Location\";\"Age\"\n\"1\";\"nyc, new york, usa\";NULL\n\"2\";\"stockton, california, usa\";\"18\"\n\"3\";\"porto, v.n.gaia, porto, portugal\";\"244\"\n")
        .Write("BX-Books.csv", "\"ISBN\";\"Book-Title\";\"Book-Author\";\"Year-Of-Publication\";\"Publisher\";\"Image-URL-S\";\"Image-URL-M\";\"Image-URL-L\"\n" +
                               "\"0195153448\";\"Classical Mythology\";\"Mark P. O. Morford\";\"2002\";\"Oxford University Press\";\"http://s\";\"http://m\";\"http://l\"\n" +
                               "\"034545104X\";\"Flesh Tones: A \"\"Novel\"\"\";\"M. J. Rose\";\"2002\";\"Ballantine Books &amp; Co\";\"http://s\";\"http://m\";\"http://l\"\n")
        .Write("BX-Book-Ratings.csv", "\"User-ID\";\"ISBN\";\"Book-Rating\"\n" + ratings);

    [Fact]
    public void Dump_rows_keep_locations_whole_keep_implicit_ratings_as_negatives_and_fill_missing_books()
    {
        using var dir = Dump("\"1\";\"034545104X\";\"0\"\n\"2\";\"0195153448\";\"8\"\n\"3\";\"034545104X\";\"3\"\n\"1\";\"0000000000\";\"10\"\n");
        var reader = new BookCrossingDumpReader(dir.Path);
        var events = reader.ReadEvents().ToList();

        // Rating 0 (implicit) is a negative, as in the paper's 1,031,171 samples; label = rating > 5.
        Assert.Equal(["bx-1-034545104X", "bx-2-0195153448", "bx-3-034545104X", "bx-1-0000000000"], events.Select(e => e.Id));
        Assert.Equal(["1", "nyc, new york, usa", "unknown", "034545104X", "Flesh Tones: A \"Novel\"", "M. J. Rose", "2002", "Ballantine Books & Co"], events[0].Values);
        Assert.Equal(["2", "stockton, california, usa", "18-24", "0195153448", "Classical Mythology", "Mark P. O. Morford", "2002", "Oxford University Press"], events[1].Values);
        Assert.Equal(["3", "porto, v.n.gaia, porto, portugal", "unknown", "034545104X", "Flesh Tones: A \"Novel\"", "M. J. Rose", "2002", "Ballantine Books & Co"], events[2].Values);
        Assert.Equal(["1", "nyc, new york, usa", "unknown", "0000000000", "unknown", "unknown", "unknown", "unknown"], events[3].Values);
        Assert.Equal([0, 1, 0, 1], events.Select(e => (int)e.Label));
        Assert.Equal(BookCrossingFields.SyntheticStart.AddSeconds(1), events[1].EventTime);
        Assert.Equal(4, reader.Stats.RowsRead);
        Assert.Equal(0, reader.Stats.DroppedByFilter);
        Assert.Equal(1, reader.Stats.FilledMissingJoin);
    }

    [Fact]
    public void Dump_book_with_shifted_columns_is_malformed_at_its_line()
    {
        using var dir = Dump("\"2\";\"0195153448\";\"8\"\n");
        File.AppendAllText(dir.File("BX-Books.csv"), "\"078946697X\";\"DK Readers\";\"DK Publishing Inc\";\"http://s\";\"http://m\";\"http://l\";\"x\";\"y\"\n", Encoding.Latin1);
        var e = Assert.Throws<DatasetFormatException>(() => new BookCrossingDumpReader(dir.Path).ReadEvents());
        Assert.Equal(("BX-Books.csv", 4L), (e.File, e.Line));
        Assert.Contains("year of publication 'http://s'", e.Problem);
    }

    [Fact]
    public void Dump_missing_ratings_file_is_named()
    {
        using var dir = Dump("");
        File.Delete(dir.File("BX-Book-Ratings.csv"));
        var e = Assert.Throws<FileNotFoundException>(() => new BookCrossingDumpReader(dir.Path));
        Assert.Contains("BX-Book-Ratings.csv", e.Message);
    }

    [Fact]
    public void Real_subset_loads_every_rating_in_file_order()
    {
        string folder = TestData.SharedDataset("bookcrossing-subset");
        var reader = new BookCrossingSubsetReader(folder);
        var events = reader.ReadEvents().ToList();

        // Independent count from the ratings file (no quoting in it): every line after the header, rating > 5.
        var ratings = File.ReadLines(Path.Combine(folder, "BX-Ratings.csv")).Skip(1).Select(l => int.Parse(l.Split(',')[2])).ToList();
        Assert.Equal(204_164, events.Count);
        Assert.Equal(ratings.Count, events.Count);
        Assert.Equal(ratings.Count(r => r > 5), events.Count(e => e.Label == 1));
        Assert.Equal(0, reader.Stats.SkippedMalformed);
        Assert.Equal(0, reader.Stats.DroppedByFilter);
        Assert.Equal(events.Count, events.Select(e => e.Id).Distinct().Count());
        // First rating line: 276744,038550120X,7; user 276744 is "torrance, california, usa", no age.
        Assert.Equal(["276744", "torrance, california, usa", "unknown", "038550120X", "A Painted House", "JOHN GRISHAM", "2001", "Doubleday"], events[0].Values);
        Assert.All(events, e => Assert.False(e.Values[1].EndsWith('"'), e.Values[1])); // the country part (last) is cleaned of stray quotes
        for (int i = 1; i < events.Count; i++) Assert.True(events[i - 1].EventTime < events[i].EventTime);
    }
}
