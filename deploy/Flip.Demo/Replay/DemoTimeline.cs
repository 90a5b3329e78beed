using Flip.FeatureStore.Events;

namespace Flip.Demo.Replay;

/// <summary>
/// The replay plan: the events in time order, split into the backfill (the older part, produced as fast as the producer
/// goes) and the live part (the newest events, produced on an accelerated event clock: an event whose time is
/// <c>t</c> is due <c>(t - t0) / Speedup</c> wall seconds after the live part starts).
/// </summary>
public sealed class DemoTimeline
{
    public DemoTimeline(IReadOnlyList<ClickEvent> events, double backfillFraction, double speedup, TimeSpan liveDuration)
    {
        if (events.Count == 0) throw new DemoConfigurationException("The dataset holds no events.");
        Events = events;
        BackfillCount = Math.Min(events.Count - 1, (int)Math.Floor(events.Count * backfillFraction));
        LiveStartTime = events[BackfillCount].EventTime;
        LiveEndTime = events[^1].EventTime;
        var span = (LiveEndTime - LiveStartTime).TotalSeconds;
        Speedup = speedup > 0 ? speedup : Math.Max(1, span / liveDuration.TotalSeconds);
    }

    public IReadOnlyList<ClickEvent> Events { get; }

    /// <summary>Events [0, BackfillCount) are the backfill; the rest are live.</summary>
    public int BackfillCount { get; }

    public int LiveCount => Events.Count - BackfillCount;

    public DateTime LiveStartTime { get; }

    public DateTime LiveEndTime { get; }

    /// <summary>Event-time seconds per wall second in the live part.</summary>
    public double Speedup { get; }

    /// <summary>Wall time the live part takes.</summary>
    public TimeSpan LiveWallDuration => TimeSpan.FromSeconds((LiveEndTime - LiveStartTime).TotalSeconds / Speedup);

    /// <summary>Wall offset from the live part's start at which <paramref name="e"/> is due.</summary>
    public TimeSpan DueAfter(ClickEvent e) => TimeSpan.FromSeconds((e.EventTime - LiveStartTime).TotalSeconds / Speedup);

    /// <summary>The live event time shown at <paramref name="elapsed"/> wall time into the live part.</summary>
    public DateTime EventClockAt(TimeSpan elapsed)
    {
        var t = LiveStartTime.AddSeconds(Math.Min(elapsed.TotalSeconds * Speedup, (LiveEndTime - LiveStartTime).TotalSeconds));
        return t;
    }
}
