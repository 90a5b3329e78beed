using System.Globalization;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Store;
using Microsoft.Extensions.Logging;

namespace Flip.Trainer.Online;

/// <summary>
/// Cuts the store into windows in event-time order. A window is closed when its end is at or before the limit the
/// caller passes (store watermark minus allowed lateness, or <see cref="DateTime.MaxValue"/> when draining). Empty
/// windows are skipped. Late events (rows before the cursor in a store file the cursor does not know yet) join the
/// window being planned. Unreadable files are quarantined and skipped. Not thread-safe.
/// </summary>
public sealed class StoreWindowPlanner(ParquetEventStore store, WindowSpec spec, TimeSpan lateHorizon, StoreQuarantine quarantine, ILogger log)
{
    private const int CachedHours = 6;
    private readonly Dictionary<DateTime, (string Signature, List<ClickEvent> Events, List<string> Files)> _hourCache = new();
    private readonly Queue<DateTime> _cacheOrder = new();
    private List<DateTime> _hours = [];

    /// <summary>Files moved to quarantine so far (for metrics).</summary>
    public long QuarantinedFiles { get; private set; }

    /// <summary>Called with each quarantined file and its reason.</summary>
    public Action<string, string>? OnQuarantine { get; set; }

    /// <summary>The store's newest event time as of the last <see cref="RefreshAsync"/>, or null when it is empty.</summary>
    public DateTime? Watermark { get; private set; }

    /// <summary>Re-lists the hour partitions and re-reads the watermark (quarantining files whose footers cannot be read).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        _hours = store.ListHours().ToList();
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                Watermark = await store.WatermarkAsync(cancellationToken);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException && attempt < 20)
            {
                // A corrupt file in the newest partitions: read them one by one, quarantine what fails, try again.
                bool moved = false;
                foreach (var hour in _hours.AsEnumerable().Reverse().Take(4))
                {
                    foreach (var file in store.ListFiles(hour))
                        if ((await ReadFileOrQuarantineAsync(file, cancellationToken)) is null) moved = true;
                }
                if (!moved) throw;
            }
        }
    }

    /// <summary>
    /// The next non-empty window after <paramref name="cursor"/> whose end is at or before <paramref name="limit"/>, or
    /// null when none is closed yet. Does not move the cursor: call <see cref="Consume"/> once the window is used.
    /// </summary>
    public async Task<PlannedWindow?> TryPlanAsync(WindowCursor cursor, DateTime limit, bool scanLate, CancellationToken cancellationToken)
    {
        var late = scanLate && cursor.CursorUtc is { } c ? await ReadLateAsync(cursor, c, cancellationToken) : (Events: new List<ClickEvent>(), Dropped: 0, Files: new List<string>());
        var window = spec.IsCount
            ? await PlanCountAsync(cursor.CursorUtc, limit, cancellationToken)
            : await PlanSpanAsync(cursor.CursorUtc, limit, cancellationToken);
        if (window is null) return null;
        if (late.Events.Count == 0 && late.Dropped == 0) return window;
        var events = new List<ClickEvent>(late.Events.Count + window.Events.Count);
        events.AddRange(late.Events);
        events.AddRange(window.Events);
        return window with
        {
            Events = events,
            LateEvents = late.Events.Count,
            DroppedLateEvents = late.Dropped,
            ConsumedFiles = window.ConsumedFiles.Concat(late.Files).Distinct(StringComparer.Ordinal).ToList(),
        };
    }

    /// <summary>Moves the cursor past a window: its end becomes the cursor, its files become known, files beyond the late horizon are forgotten.</summary>
    public void Consume(WindowCursor cursor, PlannedWindow window)
    {
        cursor.CursorUtc = window.To;
        foreach (var file in window.ConsumedFiles) cursor.KnownFiles.Add(file);
        string oldest = Key(Floor(Subtract(window.To, lateHorizon)), "");
        cursor.KnownFiles.RemoveWhere(f => string.CompareOrdinal(f, oldest) < 0);
    }

    private async Task<PlannedWindow?> PlanSpanAsync(DateTime? cursor, DateTime limit, CancellationToken cancellationToken)
    {
        var span = spec.Span!.Value;
        int index = FirstHourIndex(cursor);
        while (index < _hours.Count)
        {
            var hour = _hours[index];
            var start = spec.AlignedStart(cursor is { } c && c > hour ? c : hour);
            if (cursor is { } cc && start < cc) start = cc; // a resumed cursor may sit inside an aligned window
            var end = spec.AlignedStart(start) + span;
            if (end > limit) return null;
            var (events, files) = await ReadRangeAsync(start, end, cancellationToken);
            if (events.Count > 0) return new PlannedWindow(start, end, events, 0, 0, files);
            // Empty: jump to the first hour partition at or after the window's end.
            cursor = end;
            index = FirstHourIndex(end);
        }
        return null;
    }

    private async Task<PlannedWindow?> PlanCountAsync(DateTime? cursor, DateTime limit, CancellationToken cancellationToken)
    {
        int wanted = spec.Events!.Value;
        var taken = new List<ClickEvent>();
        var files = new List<string>();
        for (int index = FirstHourIndex(cursor); index < _hours.Count; index++)
        {
            var hour = _hours[index];
            if (hour >= limit) break;
            var (events, hourFiles) = await ReadHourAsync(hour, cancellationToken);
            files.AddRange(hourFiles);
            foreach (var e in events)
            {
                if (cursor is { } c && e.EventTime < c) continue;
                if (e.EventTime >= limit) break;
                // After the wanted count, only events sharing the last one's time still belong to the window.
                if (taken.Count >= wanted && e.EventTime != taken[^1].EventTime) return CountWindow(cursor, taken, files);
                taken.Add(e);
            }
        }
        // The events seen so far do not fill a window, unless the limit is the end of data (draining).
        if (taken.Count == 0 || (taken.Count < wanted && limit != DateTime.MaxValue)) return null;
        // The last event's time may still gain ties from rows not yet closed; only a drain or a closed next row proves it complete.
        if (limit != DateTime.MaxValue && taken[^1].EventTime.AddTicks(1) > limit) return null;
        return CountWindow(cursor, taken, files);
    }

    private static PlannedWindow CountWindow(DateTime? cursor, List<ClickEvent> taken, List<string> files) =>
        new(cursor ?? taken[0].EventTime, taken[^1].EventTime.AddTicks(1), taken, 0, 0, files);

    private async Task<(List<ClickEvent> Events, List<string> Files)> ReadRangeAsync(DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        var events = new List<ClickEvent>();
        var files = new List<string>();
        for (var hour = Floor(from); hour < to; hour = hour.AddHours(1))
        {
            int i = _hours.BinarySearch(hour);
            if (i < 0) continue;
            var (hourEvents, hourFiles) = await ReadHourAsync(hour, cancellationToken);
            files.AddRange(hourFiles);
            foreach (var e in hourEvents)
                if (e.EventTime >= from && e.EventTime < to) events.Add(e);
        }
        return (events, files);
    }

    private async Task<(List<ClickEvent> Events, int Dropped, List<string> Files)> ReadLateAsync(WindowCursor cursor, DateTime cursorUtc, CancellationToken cancellationToken)
    {
        var events = new List<ClickEvent>();
        var files = new List<string>();
        int dropped = 0;
        var horizon = Subtract(cursorUtc, lateHorizon);
        for (var hour = Floor(horizon); hour < cursorUtc; hour = hour.AddHours(1))
        {
            foreach (var file in store.ListFiles(hour))
            {
                string key = Key(hour, file.SourceId);
                if (cursor.KnownFiles.Contains(key)) continue;
                var rows = await ReadFileOrQuarantineAsync(file, cancellationToken);
                if (rows is null) continue;
                files.Add(key);
                foreach (var e in rows)
                {
                    if (e.EventTime >= cursorUtc) continue; // not late: the window holding its time is still ahead
                    if (e.EventTime < horizon) dropped++;
                    else events.Add(e);
                }
            }
        }
        if (events.Count > 0) events.Sort((a, b) => a.EventTime.CompareTo(b.EventTime));
        return (events, dropped, files);
    }

    /// <summary>All events of an hour partition in event-time order (ties by file name, then row), with the files' keys; cached by file list.</summary>
    private async Task<(List<ClickEvent> Events, List<string> Files)> ReadHourAsync(DateTime hour, CancellationToken cancellationToken)
    {
        var listed = store.ListFiles(hour);
        string signature = string.Join('|', listed.Select(f => $"{f.SourceId}:{f.SizeBytes}"));
        if (_hourCache.TryGetValue(hour, out var cached) && cached.Signature == signature) return (cached.Events, cached.Files);
        var events = new List<ClickEvent>();
        var files = new List<string>();
        foreach (var file in listed)
        {
            var rows = await ReadFileOrQuarantineAsync(file, cancellationToken);
            if (rows is null) continue;
            events.AddRange(rows);
            files.Add(Key(hour, file.SourceId));
        }
        // Stable: equal times keep file order, then row order.
        var ordered = events.Select((e, i) => (e, i)).OrderBy(p => p.e.EventTime).ThenBy(p => p.i).Select(p => p.e).ToList();
        if (!_hourCache.ContainsKey(hour)) _cacheOrder.Enqueue(hour);
        _hourCache[hour] = (signature, ordered, files);
        while (_cacheOrder.Count > CachedHours) _hourCache.Remove(_cacheOrder.Dequeue());
        return (ordered, files);
    }

    private async Task<IReadOnlyList<ClickEvent>?> ReadFileOrQuarantineAsync(StoreFile file, CancellationToken cancellationToken)
    {
        try
        {
            return await store.ReadFileAsync(file.Path, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return null; // replaced or removed between listing and reading; the next listing sees what is there now
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            string reason = $"{e.GetType().Name}: {e.Message}".ReplaceLineEndings(" ");
            try
            {
                string moved = quarantine.Quarantine(file, reason);
                QuarantinedFiles++;
                log.LogWarning("Quarantined unreadable store file {File} -> {Moved}: {Reason}", file.Path, moved, reason);
                OnQuarantine?.Invoke(file.Path, reason);
            }
            catch (IOException moveError)
            {
                log.LogError("Cannot read {File} ({Reason}) nor move it to quarantine: {Error}", file.Path, reason, moveError.Message);
            }
            return null;
        }
    }

    private int FirstHourIndex(DateTime? cursor)
    {
        if (cursor is not { } c) return 0;
        int i = _hours.BinarySearch(Floor(c));
        return i >= 0 ? i : ~i;
    }

    internal static string Key(DateTime hour, string sourceId) =>
        hour.ToString("yyyy-MM-dd'T'HH", CultureInfo.InvariantCulture) + "/" + sourceId;

    private static DateTime Floor(DateTime time) => new(time.Ticks - time.Ticks % TimeSpan.TicksPerHour, DateTimeKind.Utc);

    private static DateTime Subtract(DateTime time, TimeSpan span) => time.Ticks - DateTime.MinValue.Ticks > span.Ticks ? time - span : DateTime.MinValue;
}
