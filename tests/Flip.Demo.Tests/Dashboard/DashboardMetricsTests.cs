using System.Text.Json;
using System.Text.RegularExpressions;
using Flip.Demo.Metrics;

namespace Flip.Demo.Tests.Dashboard;

/// <summary>
/// The provisioned Grafana dashboard cannot rot silently: every metric it queries must exist in the live /metrics output
/// of the running workers (ingest, trainer, scorer: the demo's in-process hosts, scraped over HTTP), and every
/// <c>flip_*</c> family they export must be on the dashboard.
/// </summary>
[Collection(DemoRunCollection.Name)]
public class DashboardMetricsTests(DemoRunFixture demo)
{
    static readonly string[] HistogramSuffixes = ["_bucket", "_sum", "_count"];

    static IReadOnlyList<string> QueriedMetrics()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(RepoPaths.File("deploy", "grafana", "dashboards", "flip-streaming.json")));
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var panel in json.RootElement.GetProperty("panels").EnumerateArray())
        {
            if (!panel.TryGetProperty("targets", out var targets)) continue;
            foreach (var target in targets.EnumerateArray())
                foreach (Match m in Regex.Matches(target.GetProperty("expr").GetString()!, @"\bflip_[a-z0-9_]+\b"))
                    names.Add(m.Value);
        }
        return names.ToList();
    }

    MetricsText Exposed()
    {
        Assert.Equal(["ingest", "scorer", "trainer"], demo.Report.FinalMetrics.Keys.Order(StringComparer.Ordinal));
        return MetricsText.Combine(demo.Report.FinalMetrics.Values.Select(MetricsText.Parse));
    }

    [Fact]
    public void Every_metric_the_dashboard_queries_is_served_by_a_worker()
    {
        var exposed = Exposed();
        var present = exposed.SeriesNames.Concat(exposed.Families).ToHashSet(StringComparer.Ordinal);
        var queried = QueriedMetrics();
        Assert.NotEmpty(queried);
        var missing = queried.Where(q => !present.Contains(q)).ToList();
        Assert.True(missing.Count == 0, $"The dashboard queries metrics no worker serves: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_flip_metric_family_a_worker_serves_is_on_the_dashboard()
    {
        var queried = QueriedMetrics().ToHashSet(StringComparer.Ordinal);
        bool Covered(string family) => queried.Contains(family) || HistogramSuffixes.Any(s => queried.Contains(family + s));
        var families = Exposed().Families.Where(f => f.StartsWith("flip_", StringComparison.Ordinal)).ToList();
        Assert.Contains(families, f => f.StartsWith("flip_ingest_", StringComparison.Ordinal));
        Assert.Contains(families, f => f.StartsWith("flip_trainer_", StringComparison.Ordinal));
        Assert.Contains(families, f => f.StartsWith("flip_scorer_", StringComparison.Ordinal));
        var uncovered = families.Where(f => !Covered(f)).Order(StringComparer.Ordinal).ToList();
        Assert.True(uncovered.Count == 0, $"Metric families missing from the dashboard: {string.Join(", ", uncovered)}");
    }

    [Fact]
    public void The_workers_served_real_figures_not_just_declarations()
    {
        var m = Exposed();
        Assert.True(m.Sum("flip_ingest_events_total", "outcome", "stored") >= demo.Report.Produced);
        Assert.True(m.Value("flip_trainer_windows_total") >= 1);
        Assert.True(m.Value("flip_scorer_model_version") >= 1);
        Assert.True(m.Value("flip_scorer_events_scored_total") >= 1);
    }
}
