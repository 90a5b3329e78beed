using System.Diagnostics;
using System.Globalization;
using Flip.Registry;
using Flip.Scorer.Models;
using Flip.Scorer.Quality;
using Microsoft.Extensions.Logging;

namespace Flip.Scorer.Lifecycle;

/// <summary>
/// Decides which version serves and swaps it in. The wanted version is <see cref="ScorerOptions.PinVersion"/>, else the
/// registry's <c>PINNED</c>, else <c>LATEST</c>. A new version is loaded, verified and warmed by <see cref="ModelLoader"/>
/// on the caller's (the watcher's low-priority) thread, checked to read the same fields as the serving one, then swapped
/// in atomically. A refused version (corrupt, incompatible, or rolled back) is logged and counted once and never retried;
/// the previous version keeps serving. An unpinned swap puts the new version on probation (<see cref="LiveQuality"/>):
/// a bad verdict swaps the predecessor back. Loads are serialized.
/// </summary>
public sealed class ModelLifecycle
{
    private readonly object _loadGate = new();
    private readonly ModelLoader _loader;
    private readonly ModelSlot _slot;
    private readonly LiveQuality _quality;
    private readonly ScorerMetrics _metrics;
    private readonly ScorerOptions _options;
    private readonly ILogger _log;
    private readonly Dictionary<string, string> _refused = new(StringComparer.Ordinal);

    public ModelLifecycle(ModelLoader loader, ModelSlot slot, LiveQuality quality, ScorerMetrics metrics, ScorerOptions options, ILogger<ModelLifecycle> log)
    {
        _loader = loader;
        _slot = slot;
        _quality = quality;
        _metrics = metrics;
        _options = options;
        _log = log;
        _quality.ProbationEnded += OnProbationEnded;
    }

    public ModelRegistry Registry => _loader.Registry;

    /// <summary>Versions refused so far with the reason (corrupt / incompatible / rolled back: ...).</summary>
    public IReadOnlyDictionary<string, string> Refused
    {
        get { lock (_refused) return new Dictionary<string, string>(_refused); }
    }

    /// <summary>The version that should serve: the configured pin, the registry's PINNED, else LATEST (null when the registry is empty).</summary>
    public (string? Version, bool Pinned) Wanted()
    {
        if (_options.PinVersion is { Length: > 0 } pin) return (pin, true);
        var pinned = Registry.PinnedVersion;
        return pinned is not null ? (pinned, true) : (Registry.LatestVersion, false);
    }

    /// <summary>Loads and swaps in the wanted version if it is not the serving one and was not refused; true when it swapped.</summary>
    public bool Refresh()
    {
        lock (_loadGate)
        {
            var (version, pinned) = Wanted();
            if (version is null || version == _slot.Current?.Version) return false;
            lock (_refused)
                if (_refused.TryGetValue(version, out var reason) && !(pinned && reason.StartsWith("rolled back", StringComparison.Ordinal))) return false;
            return LoadAndSwap(version, pinned);
        }
    }

    private bool LoadAndSwap(string version, bool pinned)
    {
        var clock = Stopwatch.StartNew();
        ServedModel next;
        try
        {
            next = _loader.Load(version);
            var current = _slot.Current;
            if (current is not null && !current.Model.Schema.FieldNames.SequenceEqual(next.Model.Schema.FieldNames))
            {
                string problem = $"it reads fields [{string.Join(", ", next.Model.Schema.FieldNames)}] but the serving version {current.Version} reads [{string.Join(", ", current.Model.Schema.FieldNames)}]";
                next.Release();
                throw new IncompatibleModelException(version, problem);
            }
        }
        catch (CorruptModelException e)
        {
            Refuse(version, "corrupt", e.Message);
            return false;
        }
        catch (IncompatibleModelException e)
        {
            Refuse(version, "incompatible", e.Message);
            return false;
        }
        _metrics.LoadSeconds.Observe(clock.Elapsed.TotalSeconds);

        var previous = _slot.Current;
        if (!pinned && _options.RollbackAfter > 0 && previous is not null && previous.TryAcquire()) _quality.StartProbation(version, previous);
        else _quality.CancelProbation();
        Serve(next);
        _log.LogInformation("Serving model {Version} ({Kind}), loaded, verified and warmed in {Seconds:F2} s{Previous}.",
            version, next.Kind, clock.Elapsed.TotalSeconds, previous is null ? "" : $", replacing {previous.Version}");
        return true;
    }

    private void Serve(ServedModel next)
    {
        var previous = _slot.Swap(next);
        if (previous is not null) _metrics.ModelInfo.RemoveLabelled(previous.Version, previous.Kind);
        _metrics.ModelInfo.WithLabels(next.Version, next.Kind).Set(1);
        _metrics.ModelVersion.Set(long.Parse(next.Version, CultureInfo.InvariantCulture));
        _metrics.Swaps.Inc();
    }

    private void Refuse(string version, string reason, string message)
    {
        lock (_refused) _refused[version] = $"{reason}: {message}";
        _metrics.LoadFailures.WithLabels(reason).Inc();
        var serving = _slot.Current?.Version;
        _log.LogError("Refused model {Version} ({Reason}): {Message} {Serving}", version, reason, message,
            serving is null ? "No model is served yet." : $"Still serving {serving}.");
    }

    private void OnProbationEnded(ProbationVerdict verdict)
    {
        lock (_loadGate)
        {
            if (!verdict.RollBack || _slot.Current?.Version != verdict.NewVersion)
            {
                verdict.Predecessor.Release();
                _log.LogInformation("Model {Version} passed probation: live AUC {New:F4} vs {Old:F4} of {Predecessor} over {Events} joined events.",
                    verdict.NewVersion, verdict.NewAuc, verdict.PredecessorAuc, verdict.Predecessor.Version, verdict.Events);
                return;
            }
            lock (_refused) _refused[verdict.NewVersion] = $"rolled back: live AUC {verdict.NewAuc:F4} vs {verdict.PredecessorAuc:F4} of {verdict.Predecessor.Version}";
            Serve(verdict.Predecessor);
            _metrics.Rollbacks.Inc();
            _log.LogWarning("Rolled back model {Version} to {Predecessor}: live AUC {New:F4} vs {Old:F4} over the same {Events} joined events (allowed drop {Drop}).",
                verdict.NewVersion, verdict.Predecessor.Version, verdict.NewAuc, verdict.PredecessorAuc, verdict.Events, _options.RollbackAucDrop);
        }
    }
}
