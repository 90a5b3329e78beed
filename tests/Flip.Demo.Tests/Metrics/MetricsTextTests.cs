using Flip.Demo.Metrics;

namespace Flip.Demo.Tests.Metrics;

public class MetricsTextTests
{
    const string Before = """
        # HELP flip_x_seconds A histogram.
        # TYPE flip_x_seconds histogram
        flip_x_seconds_sum{endpoint="/v1/score"} 0
        flip_x_seconds_count{endpoint="/v1/score"} 0
        flip_x_seconds_bucket{endpoint="/v1/score",le="0.001"} 0
        flip_x_seconds_bucket{endpoint="/v1/score",le="0.01"} 0
        flip_x_seconds_bucket{endpoint="/v1/score",le="+Inf"} 0
        # TYPE flip_y_total counter
        flip_y_total{outcome="stored"} 5
        flip_y_total{outcome="dead_lettered"} 2
        flip_z NaN
        """;

    [Fact]
    public void Parses_series_labels_values_and_declared_families()
    {
        var m = MetricsText.Parse(Before);
        Assert.Equal(7, m.Sum("flip_y_total"));
        Assert.Equal(5, m.Sum("flip_y_total", "outcome", "stored"));
        Assert.True(double.IsNaN(m.Value("flip_z")));
        Assert.True(double.IsNaN(m.Value("flip_absent")));
        Assert.Contains("flip_x_seconds", m.Families);
        Assert.Contains("flip_x_seconds_bucket", m.SeriesNames);
    }

    [Fact]
    public void Quantile_interpolates_within_the_bucket_of_the_observations_between_two_scrapes()
    {
        var after = MetricsText.Parse(Before
            .Replace("le=\"0.001\"} 0", "le=\"0.001\"} 50", StringComparison.Ordinal)
            .Replace("le=\"0.01\"} 0", "le=\"0.01\"} 100", StringComparison.Ordinal)
            .Replace("le=\"+Inf\"} 0", "le=\"+Inf\"} 100", StringComparison.Ordinal));
        var before = MetricsText.Parse(Before);
        // 50 observations in (0, 1 ms], 50 in (1 ms, 10 ms]: p99 is 98% of the way through the second bucket.
        Assert.Equal(0.001 + 0.009 * 0.98, after.Quantile(before, "flip_x_seconds", 0.99, "endpoint", "/v1/score"), 9);
        Assert.Equal(0.001, after.Quantile(before, "flip_x_seconds", 0.5, "endpoint", "/v1/score"), 9);
        Assert.True(double.IsNaN(before.Quantile(before, "flip_x_seconds", 0.99)));
    }
}
