using Flip.Trainer.Evaluation;

namespace Flip.Demo.FrontEnd;

/// <summary>
/// What the front end was told before each click, joined with the click's label: the live AUC of served scores, over
/// the whole run and over the most recent <see cref="RecentCount"/> scored events.
/// </summary>
public sealed class ServedScores
{
    private readonly object _gate = new();
    private readonly List<float> _scores = [];
    private readonly List<byte> _labels = [];

    /// <summary>Scored events in the "recent" window. Default 5,000.</summary>
    public int RecentCount { get; init; } = 5_000;

    public long Count { get { lock (_gate) return _scores.Count; } }

    public void Add(double ctr, byte label)
    {
        lock (_gate)
        {
            _scores.Add((float)ctr);
            _labels.Add(label);
        }
    }

    /// <summary>AUC over every scored event; NaN until both classes were seen.</summary>
    public double OverallAuc() { lock (_gate) return Auc(0); }

    /// <summary>AUC over the most recent <see cref="RecentCount"/> scored events.</summary>
    public double RecentAuc() { lock (_gate) return Auc(Math.Max(0, _scores.Count - RecentCount)); }

    double Auc(int from)
    {
        int n = _scores.Count - from;
        if (n < 2) return double.NaN;
        var s = _scores.GetRange(from, n).ToArray();
        var l = _labels.GetRange(from, n).Select(x => (float)x).ToArray();
        bool bothClasses = l.Contains(0f) && l.Contains(1f);
        return bothClasses ? BinaryMetrics.RocAuc(s, l) : double.NaN;
    }
}
