using Flip.FeatureStore.Events;

namespace Flip.Trainer.Online;

/// <summary>
/// When periodic FLIP pretraining is due (<c>Trainer:PretrainEvery</c>: trained events or trained event time since the
/// last run) and on which events (the most recent <c>Trainer:PretrainWindow</c> trained events, kept as whole windows
/// whose ranges go into the resume snapshot). Event time starts counting at the first trained window.
/// </summary>
internal sealed class PretrainSchedule(WindowSpec every, int window)
{
    private readonly Queue<(DateTime From, DateTime To, IReadOnlyList<ClickEvent> Events)> _windows = new();
    private int _buffered;

    public long EventsSince { get; private set; }
    public DateTime? LastRunUtc { get; private set; }
    public IEnumerable<(DateTime From, DateTime To)> Ranges => _windows.Select(w => (w.From, w.To));

    /// <summary>A trained window: counted, and kept while its events are among the latest <c>window</c>.</summary>
    public void Add(DateTime from, DateTime to, IReadOnlyList<ClickEvent> events)
    {
        EventsSince += events.Count;
        LastRunUtc ??= from;
        Keep(from, to, events);
    }

    public bool Due(DateTime newestTrained) => every.IsCount
        ? EventsSince >= every.Events!.Value
        : newestTrained - LastRunUtc!.Value >= every.Span!.Value;

    /// <summary>The latest <c>window</c> trained events, oldest first.</summary>
    public List<ClickEvent> Recent()
    {
        var all = _windows.SelectMany(w => w.Events).ToList();
        return all.Count <= window ? all : all.GetRange(all.Count - window, window);
    }

    public void Ran(DateTime newestTrained)
    {
        EventsSince = 0;
        LastRunUtc = newestTrained;
    }

    /// <summary>The state saved in a snapshot, with the windows re-read from the store.</summary>
    public void Restore(long eventsSince, DateTime? lastRunUtc, IEnumerable<(DateTime From, DateTime To, IReadOnlyList<ClickEvent> Events)> windows)
    {
        EventsSince = eventsSince;
        LastRunUtc = lastRunUtc;
        foreach (var (from, to, events) in windows) Keep(from, to, events);
    }

    private void Keep(DateTime from, DateTime to, IReadOnlyList<ClickEvent> events)
    {
        _windows.Enqueue((from, to, events));
        _buffered += events.Count;
        while (_windows.Count > 1 && _buffered - _windows.Peek().Events.Count >= window) _buffered -= _windows.Dequeue().Events.Count;
    }
}
