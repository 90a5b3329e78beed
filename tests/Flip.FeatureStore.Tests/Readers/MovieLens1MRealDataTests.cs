using Flip.FeatureStore.Readers;

namespace Flip.FeatureStore.Tests.Readers;

/// <summary>MovieLens-1M reader on the real shared files (users 1-2999, every rating).</summary>
public sealed class MovieLens1MRealDataTests
{
    private static readonly string Folder = TestData.SharedDataset("movielens-1m");

    [Fact]
    public void Real_data_gives_the_protocol_counts_in_chronological_order()
    {
        var reader = new MovieLens1MReader(Folder);
        var events = reader.ReadEvents().ToList();

        Assert.Equal(360_434, events.Count);
        Assert.Equal(279_124, events.Count(e => e.Label == 1));
        Assert.Equal(487_650, reader.Stats.RowsRead);
        Assert.Equal(487_650 - 360_434, reader.Stats.DroppedByLabelRule);
        Assert.Equal(0, reader.Stats.SkippedMalformed);
        for (int i = 1; i < events.Count; i++)
            Assert.True(events[i - 1].EventTime <= events[i].EventTime, $"event {i} is earlier than event {i - 1}");
        Assert.Equal(events.Count, events.Select(e => e.Id).Distinct().Count());
        Assert.All(events.Take(1000), e => Assert.Equal(DateTimeKind.Utc, e.EventTime.Kind));
    }

    [Fact]
    public void Earliest_rating_and_its_texts_match_the_files()
    {
        // ratings.dat: the smallest timestamp among non-3 ratings of users 1-2999 (checked with awk).
        var first = new MovieLens1MReader(Folder).ReadEvents().First();
        var expected = EarliestKeptRating();
        Assert.Equal(expected.Id, first.Id);
        Assert.Equal(DateTime.UnixEpoch.AddSeconds(expected.Seconds), first.EventTime);
        // Known line of ratings.dat: 2999::2194::2::970620734 (2000-10-04 00:52:14 UTC), a negative.
        Assert.Equal("ml1m-2999-2194", first.Id);
        Assert.Equal(new DateTime(2000, 10, 4, 0, 52, 14, DateTimeKind.Utc), first.EventTime);
        Assert.Equal(0, first.Label);
    }

    [Fact]
    public void User_and_movie_codes_become_readable_text()
    {
        // User 1: F, age 1, occupation 10, zip 48067; movie 1193: One Flew Over the Cuckoo's Nest (1975), Drama; rated 5.
        var e = new MovieLens1MReader(Folder).ReadEvents().Single(x => x.Id == "ml1m-1-1193");
        Assert.Equal(["1", "female", "under 18", "K-12 student", "48067", "1193", "One Flew Over the Cuckoo's Nest (1975)", "Drama"], e.Values);
        Assert.Equal(1, e.Label);
        Assert.Equal(DateTime.UnixEpoch.AddSeconds(978300760), e.EventTime);
        var toyStory = new MovieLens1MReader(Folder).ReadEvents().First(x => x.Values[5] == "1");
        Assert.Equal("Animation, Children's, Comedy", toyStory.Values[7]);
    }

    /// <summary>Scans ratings.dat directly (independent of the reader) for the first kept rating by time, ties by file order.</summary>
    private static (string Id, long Seconds) EarliestKeptRating()
    {
        (string Id, long Seconds) best = ("", long.MaxValue);
        foreach (var line in File.ReadLines(Path.Combine(Folder, "ratings.dat")))
        {
            var p = line.Split("::");
            if (p[2] == "3") continue;
            long t = long.Parse(p[3]);
            if (t < best.Seconds) best = ($"ml1m-{p[0]}-{p[1]}", t);
        }
        return best;
    }
}
