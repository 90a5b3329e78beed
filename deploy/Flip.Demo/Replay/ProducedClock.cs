namespace Flip.Demo.Replay;

/// <summary>
/// When (wall clock) the first acknowledged event at or after a given event time was produced: the start of the
/// freshness chain click -> trained -> served. Keeps one point per event-time second that advanced the clock, so memory
/// stays small while the answer is exact to the second.
/// </summary>
public sealed class ProducedClock
{
    private readonly object _gate = new();
    private readonly List<(DateTime EventTime, DateTime ProducedUtc)> _points = [];

    public void Record(DateTime eventTime, DateTime producedUtc)
    {
        lock (_gate)
        {
            if (_points.Count > 0 && eventTime < _points[^1].EventTime.AddSeconds(1)) return;
            _points.Add((eventTime, producedUtc));
        }
    }

    /// <summary>Wall time at which the newest event not newer than <paramref name="eventTime"/> was acknowledged; null before any.</summary>
    public DateTime? ProducedAt(DateTime eventTime)
    {
        lock (_gate)
        {
            int lo = 0, hi = _points.Count - 1, found = -1;
            while (lo <= hi)
            {
                int mid = (lo + hi) / 2;
                if (_points[mid].EventTime <= eventTime) { found = mid; lo = mid + 1; }
                else hi = mid - 1;
            }
            return found < 0 ? null : _points[found].ProducedUtc;
        }
    }
}
