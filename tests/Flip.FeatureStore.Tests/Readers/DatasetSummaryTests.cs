using Flip.FeatureStore.Readers;

namespace Flip.FeatureStore.Tests.Readers;

public sealed class DatasetSummaryTests
{
    [Fact]
    public void Summary_counts_labels_distinct_features_time_range_and_skips()
    {
        using var dir = new FixtureFolder()
            .Write("users.dat", "1::F::1::10::48067\n2::M::56::16::70072\n")
            .Write("movies.dat", "1::Toy Story (1995)::Animation|Children's|Comedy\n2::Jumanji (1995)::Adventure|Children's|Fantasy\n")
            .Write("ratings.dat", "1::1::5::300\n1::2::1::100\n2::1::4::200\n2::2::3::400\n2::2::x::500\n");
        var reader = DatasetCatalog.Open("movielens-1m", dir.Path, new ReaderOptions { SkipMalformed = true });
        var s = DatasetSummary.Compute(reader);

        Assert.Equal("movielens-1m", s.Dataset);
        Assert.Equal(3, s.Samples);
        Assert.Equal(2, s.Positives);
        Assert.Equal(2.0 / 3, s.PositiveRate, 10);
        Assert.Equal(8, s.FieldCount);
        Assert.Equal([2, 2, 2, 2, 2, 2, 2, 2], s.Fields.Select(f => f.Distinct));
        Assert.Equal(16, s.TotalDistinctFeatures);
        Assert.Equal(DateTime.UnixEpoch.AddSeconds(100), s.FirstEventTime);
        Assert.Equal(DateTime.UnixEpoch.AddSeconds(300), s.LastEventTime);
        Assert.Equal(5, s.RowsRead);
        Assert.Equal(1, s.DroppedByLabelRule);
        Assert.Equal(1, s.SkippedMalformed);
        Assert.Equal(["ratings.dat:5: rating 'x' is not an integer"], s.SkippedExamples);
    }

    [Fact]
    public void Real_movielens_summary_matches_the_protocol()
    {
        var s = DatasetSummary.Compute(DatasetCatalog.Open("movielens-1m", TestData.SharedDataset("movielens-1m")));
        Assert.Equal(360_434, s.Samples);
        Assert.Equal(279_124, s.Positives);
        Assert.Equal(2_999, s.Fields[0].Distinct);
        Assert.Equal(7, s.Fields[2].Distinct);
        Assert.Equal(21, s.Fields[3].Distinct);
    }
}
