using Flip.FeatureStore.Events;

namespace Flip.Trainer.Online;

/// <summary>
/// One closed window read from the store: its event-time range, its events in event-time order (the late ones, whose
/// time lies before <see cref="From"/>, come first), and the store files it consumed.
/// </summary>
/// <param name="From">Start of the range (inclusive).</param>
/// <param name="To">End of the range (exclusive); the trained cursor moves here.</param>
/// <param name="Events">Late events first, then the range's events, each part in event-time order.</param>
/// <param name="LateEvents">How many of <paramref name="Events"/> are late (trained with this window, see docs/trainer.md).</param>
/// <param name="DroppedLateEvents">Late events older than the late horizon, not trained.</param>
/// <param name="ConsumedFiles">Store files (relative to <c>events/</c>) whose rows before <paramref name="To"/> this window consumed.</param>
public sealed record PlannedWindow(
    DateTime From, DateTime To, IReadOnlyList<ClickEvent> Events, int LateEvents, int DroppedLateEvents, IReadOnlyList<string> ConsumedFiles)
{
    /// <summary>Newest event time in the window (the watermark of a model trained on it).</summary>
    public DateTime NewestEventTime => Events.Count == 0 ? From : Events.Max(e => e.EventTime);
}
