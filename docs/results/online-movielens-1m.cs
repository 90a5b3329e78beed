#:package ScottPlot
#:property JsonSerializerIsReflectionEnabledByDefault=true
#:property PublishAot=false
// Summarises online-trainer runs (docs/results/online-movielens-1m.md): for each run, its registry (evaluation.jsonl,
// published manifests), its predictions CSV (`--predictions`) and its wall time; writes the .json and the ScottPlot PNG.
// usage: dotnet run docs/results/online-movielens-1m.cs -- OUT_PREFIX OFFLINE_AUC NAME=REGISTRY,PREDICTIONS,WALL_SECONDS ...
// OFFLINE_AUC `-` = no offline reference (a slice of the subset: the offline figure is for the whole subset's test part).
using System.Globalization;
using System.Text.Json;

var inv = CultureInfo.InvariantCulture;
string outPrefix = args[0];
double? offlineAuc = args[1] == "-" ? null : double.Parse(args[1], inv);
var runs = new List<Dictionary<string, object?>>();
var plot = new ScottPlot.Plot();
foreach (var spec in args.Skip(2))
{
    var name = spec[..spec.IndexOf('=')];
    var parts = spec[(name.Length + 1)..].Split(',');
    var (registry, predictionsPath, wall) = (parts[0], parts[1], double.Parse(parts[2], inv));
    var rows = File.ReadLines(predictionsPath).Skip(1).Select(l => l.Split(','))
        .Select(p => (Time: DateTime.Parse(p[1], inv, DateTimeStyles.AdjustToUniversal), Label: p[2] == "1", Logit: double.Parse(p[3], inv)))
        .ToList();
    // The offline split's test part: the latest 10% of the events in event-time order (stable for ties, as the store reads).
    var ordered = rows.Select((r, i) => (r, i)).OrderBy(p => p.r.Time).ThenBy(p => p.i).Select(p => p.r).ToList();
    int trainAll = (int)Math.Floor(ordered.Count * 0.9);
    var last = ordered.Skip(trainAll).ToList();
    double lastAuc = Auc(last);
    var windows = File.ReadLines(Path.Combine(registry, "evaluation.jsonl")).Count();
    var versions = Directory.EnumerateDirectories(Path.Combine(registry, "models")).Where(d => Path.GetFileName(d).All(char.IsAsciiDigit)).Order().ToList();
    var freshness = versions.Select(v => JsonDocument.Parse(File.ReadAllText(Path.Combine(v, "manifest.json"))).RootElement)
        .Where(m => m.TryGetProperty("dataWatermarkUtc", out var w) && w.ValueKind == JsonValueKind.String)
        .Select(m => new { version = m.GetProperty("version").GetString(), dataWatermarkUtc = m.GetProperty("dataWatermarkUtc").GetDateTime(), createdUtc = m.GetProperty("createdUtc").GetDateTime() })
        .Select(m => new { m.version, m.dataWatermarkUtc, m.createdUtc, wallMinusEventDays = (m.createdUtc - m.dataWatermarkUtc).TotalDays })
        .ToList();
    // Prequential AUC per calendar week (weeks with both classes and at least 200 events), for the plot.
    var weekly = ordered.GroupBy(r => r.Time.Date.AddDays(-(int)r.Time.DayOfWeek)).Where(g => g.Count() >= 200 && g.Any(r => r.Label) && g.Any(r => !r.Label))
        .Select(g => (Week: g.Key, Auc: Auc(g.ToList()), Count: g.Count())).OrderBy(w => w.Week).ToList();
    var scatter = plot.Add.ScatterLine(weekly.Select(w => w.Week.ToOADate()).ToArray(), weekly.Select(w => w.Auc).ToArray());
    scatter.LegendText = $"{name} (last 10%: {lastAuc:F4})";
    runs.Add(new Dictionary<string, object?>
    {
        ["name"] = name,
        ["events"] = rows.Count,
        ["windows"] = windows,
        ["wallSeconds"] = wall,
        ["eventsPerSecondEndToEnd"] = rows.Count / wall,
        ["prequentialAucAll"] = Auc(ordered),
        ["prequentialAucLast10Percent"] = lastAuc,
        ["last10PercentEvents"] = last.Count,
        ["last10PercentFromUtc"] = last[0].Time,
        ["offlineDcnv2TestAuc"] = offlineAuc,
        ["differenceToOffline"] = lastAuc - offlineAuc,
        ["publishedVersions"] = versions.Count,
        ["freshness"] = freshness,
        ["weeklyAuc"] = weekly.Select(w => new { week = w.Week, auc = w.Auc, count = w.Count }),
    });
    Console.WriteLine($"| {name} | {rows.Count:N0} | {windows:N0} | {wall:F0} | {rows.Count / wall:N0} | {Auc(ordered):F4} | {lastAuc:F4} | {lastAuc - offlineAuc:+0.0000;-0.0000} | {versions.Count} |");
}
if (offlineAuc is { } reference)
{
    var offline = plot.Add.HorizontalLine(reference);
    offline.LegendText = $"offline 90/10 DCNv2 test AUC {reference:F4}";
    offline.LinePattern = ScottPlot.LinePattern.Dashed;
}
plot.Axes.DateTimeTicksBottom();
plot.Title("MovieLens-1M subset replayed through the online trainer: prequential AUC per week");
plot.YLabel("prequential AUC (test-then-train)");
plot.ShowLegend(ScottPlot.Alignment.LowerRight);
plot.SavePng(outPrefix + ".png", 1100, 550);
File.WriteAllText(outPrefix + ".json", JsonSerializer.Serialize(new { runs }, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));

static double Auc(List<(DateTime Time, bool Label, double Logit)> rows)
{
    var sorted = rows.OrderBy(r => r.Logit).ToList();
    long positives = sorted.Count(r => r.Label), negatives = sorted.Count - positives;
    double rankSum = 0;
    for (int i = 0; i < sorted.Count;)
    {
        int j = i;
        while (j + 1 < sorted.Count && sorted[j + 1].Logit == sorted[i].Logit) j++;
        double rank = (i + j) / 2.0 + 1;
        for (int k = i; k <= j; k++) if (sorted[k].Label) rankSum += rank;
        i = j + 1;
    }
    return (rankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
}
