using Flip.FeatureStore.Events;
using Flip.Scorer.Models;
using Flip.Trainer.Evaluation;

namespace Flip.Scorer.Quality;

/// <summary>
/// Live quality: served scores are remembered by event id (at most <see cref="ScorerOptions.LabelWindow"/>, the oldest
/// evicted and counted) until the event's click arrives on <c>flip.clicks</c>; joined (score, label) pairs feed per-version
/// AUC, log loss and calibration gauges. Also runs a new version's probation for automatic rollback: while it lasts, the
/// events the new version answers are also scored by its predecessor (off the request path, as shadow jobs), and once
/// <see cref="ScorerOptions.RollbackAfter"/> of them are joined both AUCs over the same events decide. Thread-safe.
/// </summary>
public sealed class LiveQuality
{
    /// <summary>Versions whose gauges are kept; older series are removed so labels stay bounded.</summary>
    public const int VersionsShown = 5;

    private readonly object _gate = new();
    private readonly ScorerOptions _options;
    private readonly ScorerMetrics _metrics;
    private readonly Dictionary<string, LinkedListNode<Served>> _byId = new(StringComparer.Ordinal);
    private readonly LinkedList<Served> _order = new();
    private readonly Dictionary<string, LabelledScores> _versions = new(StringComparer.Ordinal);
    private readonly List<string> _versionOrder = [];
    private Probation? _probation;

    private sealed class Served(string id, string version, double ctr)
    {
        public string Id { get; } = id;
        public string Version { get; } = version;
        public double Ctr { get; } = ctr;
        public double ShadowCtr { get; set; } = double.NaN;
    }

    private sealed class Probation(string newVersion, ServedModel predecessor)
    {
        public string NewVersion { get; } = newVersion;
        public ServedModel Predecessor { get; } = predecessor;
        public List<float> NewScores { get; } = [];
        public List<float> OldScores { get; } = [];
        public List<float> Labels { get; } = [];
    }

    public LiveQuality(ScorerOptions options, ScorerMetrics metrics)
    {
        _options = options;
        _metrics = metrics;
    }

    /// <summary>Called when a probation ends (from the thread that joined the deciding click).</summary>
    public event Action<ProbationVerdict>? ProbationEnded;

    /// <summary>Scores remembered and not yet joined.</summary>
    public int Pending
    {
        get { lock (_gate) return _byId.Count; }
    }

    /// <summary>The version on probation, or null.</summary>
    public string? ProbationVersion
    {
        get { lock (_gate) return _probation?.NewVersion; }
    }

    /// <summary>
    /// Starts the probation of <paramref name="newVersion"/> against <paramref name="predecessor"/> (whose reference the
    /// probation now owns). A probation still running is ended without a verdict and its predecessor released.
    /// </summary>
    public void StartProbation(string newVersion, ServedModel predecessor)
    {
        Probation? previous;
        lock (_gate)
        {
            previous = _probation;
            _probation = new Probation(newVersion, predecessor);
        }
        previous?.Predecessor.Release();
    }

    /// <summary>Ends any probation without a verdict (e.g. a pinned version is served) and releases its predecessor.</summary>
    public void CancelProbation()
    {
        Probation? previous;
        lock (_gate)
        {
            previous = _probation;
            _probation = null;
        }
        previous?.Predecessor.Release();
    }

    /// <summary>The predecessor that should also score events answered by <paramref name="version"/>, with a reference taken (release it), or null.</summary>
    public ServedModel? ShadowFor(string version)
    {
        lock (_gate)
        {
            if (_probation is not { } p || p.NewVersion != version) return null;
            return p.Predecessor.TryAcquire() ? p.Predecessor : null;
        }
    }

    /// <summary>Remembers the scores a version answered, for events that carry an id.</summary>
    public void Remember(string version, IReadOnlyList<ClickEvent> events, ReadOnlySpan<double> scores)
    {
        lock (_gate)
        {
            for (int i = 0; i < events.Count; i++)
            {
                string id = events[i].Id;
                if (id.Length == 0) continue;
                if (_byId.Remove(id, out var stale)) _order.Remove(stale);
                var node = _order.AddLast(new Served(id, version, scores[i]));
                _byId[id] = node;
            }
            while (_byId.Count > _options.LabelWindow)
            {
                var oldest = _order.First!;
                _order.RemoveFirst();
                _byId.Remove(oldest.Value.Id);
                _metrics.EvictedScores.Inc();
            }
        }
    }

    /// <summary>Attaches the predecessor's scores (shadow) to remembered events.</summary>
    public void RememberShadow(IReadOnlyList<ClickEvent> events, ReadOnlySpan<double> scores)
    {
        lock (_gate)
        {
            for (int i = 0; i < events.Count; i++)
                if (events[i].Id.Length > 0 && _byId.TryGetValue(events[i].Id, out var node)) node.Value.ShadowCtr = scores[i];
        }
    }

    /// <summary>Joins a click with its served score; false when no score is remembered for its id.</summary>
    public bool Join(string eventId, byte label)
    {
        ProbationVerdict? verdict = null;
        lock (_gate)
        {
            if (!_byId.Remove(eventId, out var node))
            {
                _metrics.UnmatchedClicks.Inc();
                return false;
            }
            _order.Remove(node);
            var served = node.Value;
            if (!_versions.TryGetValue(served.Version, out var scores))
            {
                _versions[served.Version] = scores = new LabelledScores(_options.QualityWindow);
                _versionOrder.Add(served.Version);
                if (_versionOrder.Count > VersionsShown)
                {
                    string dropped = _versionOrder[0];
                    _versionOrder.RemoveAt(0);
                    _versions.Remove(dropped);
                    _metrics.LiveAuc.RemoveLabelled(dropped);
                    _metrics.LiveLogLoss.RemoveLabelled(dropped);
                    _metrics.LiveCalibration.RemoveLabelled(dropped);
                }
            }
            scores.Add(served.Ctr, label);
            _metrics.JoinedLabels.Inc();
            if (_probation is { } p && p.NewVersion == served.Version && !double.IsNaN(served.ShadowCtr))
            {
                p.NewScores.Add((float)served.Ctr);
                p.OldScores.Add((float)served.ShadowCtr);
                p.Labels.Add(label);
                if (p.Labels.Count >= _options.RollbackAfter && HasBothClasses(p.Labels))
                {
                    double newAuc = BinaryMetrics.RocAuc(p.NewScores.ToArray(), p.Labels.ToArray());
                    double oldAuc = BinaryMetrics.RocAuc(p.OldScores.ToArray(), p.Labels.ToArray());
                    verdict = new ProbationVerdict(p.NewVersion, p.Predecessor, p.Labels.Count, newAuc, oldAuc, oldAuc - newAuc > _options.RollbackAucDrop);
                    _probation = null;
                }
            }
        }
        if (verdict is not null)
        {
            if (ProbationEnded is { } handler) handler(verdict);
            else verdict.Predecessor.Release();
        }
        return true;
    }

    /// <summary>Live quality of a version: joined labels, AUC, log loss, calibration (NaN where undefined).</summary>
    public (long Joined, double Auc, double LogLoss, double Calibration) Of(string version)
    {
        lock (_gate)
        {
            if (!_versions.TryGetValue(version, out var scores)) return (0, double.NaN, double.NaN, double.NaN);
            var (auc, logLoss, calibration) = scores.Measure();
            return (scores.Total, auc, logLoss, calibration);
        }
    }

    /// <summary>Recomputes the per-version gauges (called about once a second by the click joiner).</summary>
    public void PublishGauges()
    {
        lock (_gate)
        {
            foreach (var (version, scores) in _versions)
            {
                var (auc, logLoss, calibration) = scores.Measure();
                if (!double.IsNaN(auc)) _metrics.LiveAuc.WithLabels(version).Set(auc);
                if (!double.IsNaN(logLoss)) _metrics.LiveLogLoss.WithLabels(version).Set(logLoss);
                if (!double.IsNaN(calibration)) _metrics.LiveCalibration.WithLabels(version).Set(calibration);
            }
        }
    }

    private static bool HasBothClasses(List<float> labels)
    {
        bool positive = false, negative = false;
        foreach (var l in labels)
        {
            if (l > 0.5f) positive = true;
            else negative = true;
            if (positive && negative) return true;
        }
        return false;
    }
}
