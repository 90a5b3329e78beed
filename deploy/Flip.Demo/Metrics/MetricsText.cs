using System.Globalization;

namespace Flip.Demo.Metrics;

/// <summary>
/// The samples of a Prometheus text exposition (what a worker's <c>/metrics</c> serves), with the look-ups the dashboard
/// needs: a series' value, a sum over label values, a histogram quantile between two scrapes.
/// </summary>
public sealed class MetricsText
{
    private readonly List<MetricSample> _samples;
    private readonly HashSet<string> _families;

    private MetricsText(List<MetricSample> samples, HashSet<string> families)
    {
        _samples = samples;
        _families = families;
    }

    public static MetricsText Empty { get; } = new([], []);

    public IReadOnlyList<MetricSample> Samples => _samples;

    /// <summary>Names declared by <c># TYPE</c> lines (histograms by their base name).</summary>
    public IReadOnlyCollection<string> Families => _families;

    /// <summary>Names of the sample lines (histograms as <c>_bucket</c>, <c>_sum</c>, <c>_count</c>).</summary>
    public IEnumerable<string> SeriesNames => _samples.Select(s => s.Name).Distinct(StringComparer.Ordinal);

    public static MetricsText Parse(string text)
    {
        var samples = new List<MetricSample>();
        var families = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0) continue;
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 3) families.Add(parts[2]);
                continue;
            }
            if (line[0] == '#') continue;
            samples.Add(ParseSample(line));
        }
        return new MetricsText(samples, families);
    }

    static MetricSample ParseSample(string line)
    {
        int brace = line.IndexOf('{');
        int space;
        string name;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (brace >= 0 && brace < line.IndexOf(' '))
        {
            name = line[..brace];
            int i = brace + 1;
            while (i < line.Length && line[i] != '}')
            {
                int eq = line.IndexOf('=', i);
                var key = line[i..eq].Trim(',', ' ');
                int start = eq + 2; // after ="
                var value = new System.Text.StringBuilder();
                int j = start;
                for (; j < line.Length && line[j] != '"'; j++)
                {
                    if (line[j] == '\\' && j + 1 < line.Length) { j++; value.Append(line[j] == 'n' ? '\n' : line[j]); }
                    else value.Append(line[j]);
                }
                labels[key] = value.ToString();
                i = j + 1;
                if (i < line.Length && line[i] == ',') i++;
            }
            space = line.IndexOf(' ', i);
        }
        else
        {
            space = line.IndexOf(' ');
            name = line[..space];
        }
        var rest = line[(space + 1)..].Trim().Split(' ')[0];
        return new MetricSample(name, labels, ParseValue(rest));
    }

    static double ParseValue(string text) => text switch
    {
        "NaN" => double.NaN,
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    /// <summary>Concatenates the samples of several expositions (one per worker).</summary>
    public static MetricsText Combine(IEnumerable<MetricsText> parts)
    {
        var samples = new List<MetricSample>();
        var families = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in parts)
        {
            samples.AddRange(p._samples);
            families.UnionWith(p._families);
        }
        return new MetricsText(samples, families);
    }

    /// <summary>Sum of the series <paramref name="name"/> whose labels match <paramref name="labels"/> (pairs name, value); NaN when none exists.</summary>
    public double Sum(string name, params string[] labels)
    {
        double sum = 0;
        bool any = false;
        foreach (var s in Matching(name, labels))
        {
            sum += s.Value;
            any = true;
        }
        return any ? sum : double.NaN;
    }

    /// <summary>The value of the first matching series; NaN when none exists.</summary>
    public double Value(string name, params string[] labels) => Matching(name, labels).Select(s => s.Value).DefaultIfEmpty(double.NaN).First();

    public IEnumerable<MetricSample> Matching(string name, params string[] labels)
    {
        foreach (var s in _samples)
        {
            if (!string.Equals(s.Name, name, StringComparison.Ordinal)) continue;
            bool ok = true;
            for (int i = 0; i + 1 < labels.Length; i += 2)
                if (s.Label(labels[i]) != labels[i + 1]) { ok = false; break; }
            if (ok) yield return s;
        }
    }

    /// <summary>
    /// The <paramref name="q"/> quantile of histogram <paramref name="name"/> over the observations made between
    /// <paramref name="earlier"/> and this scrape (as Prometheus' <c>histogram_quantile</c> over a rate: linear within
    /// the bucket). NaN when nothing was observed in between.
    /// </summary>
    public double Quantile(MetricsText earlier, string name, double q, params string[] labels)
    {
        var now = Buckets(this, name, labels);
        var before = Buckets(earlier, name, labels);
        var deltas = now.Select(b => (b.Le, Count: b.Count - before.Where(p => p.Le == b.Le).Select(p => p.Count).DefaultIfEmpty(0).First())).ToList();
        if (deltas.Count == 0) return double.NaN;
        double total = deltas[^1].Count;
        if (total <= 0) return double.NaN;
        double rank = q * total, lowerBound = 0, lowerCount = 0;
        foreach (var (le, count) in deltas)
        {
            if (count >= rank)
            {
                if (double.IsPositiveInfinity(le)) return lowerBound;
                return count == lowerCount ? le : lowerBound + (le - lowerBound) * (rank - lowerCount) / (count - lowerCount);
            }
            lowerBound = le;
            lowerCount = count;
        }
        return lowerBound;
    }

    static List<(double Le, double Count)> Buckets(MetricsText text, string name, string[] labels)
    {
        var sums = new SortedDictionary<double, double>();
        foreach (var s in text.Matching(name + "_bucket", labels))
        {
            var le = ParseValue(s.Label("le") ?? "+Inf");
            sums[le] = sums.GetValueOrDefault(le) + s.Value;
        }
        return sums.Select(kv => (kv.Key, kv.Value)).ToList();
    }
}
