using System.Text.Json;
using System.Text.Json.Serialization;

namespace Flip.Demo;

/// <summary>
/// Files a run leaves next to its store: <c>demo-chart.png</c> (AUC and freshness over wall time) and
/// <c>demo-summary.json</c> (the report without the time series).
/// </summary>
public static class DemoArtifacts
{
    public const string ChartFileName = "demo-chart.png";
    public const string SummaryFileName = "demo-summary.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes both files; returns the report with their paths.</summary>
    public static DemoReport Write(DemoReport report)
    {
        var chart = Path.Combine(report.WorkDirectory, ChartFileName);
        DemoChart.Write(report, chart);
        var summary = Path.Combine(report.WorkDirectory, SummaryFileName);
        var withPaths = report with { ChartPath = chart, SummaryPath = summary };
        var tmp = summary + ".tmp";
        File.WriteAllText(tmp, JsonSerializer.Serialize(withPaths with { Snapshots = [], FinalMetrics = new Dictionary<string, string>() }, Json));
        File.Move(tmp, summary, overwrite: true);
        return withPaths;
    }
}
