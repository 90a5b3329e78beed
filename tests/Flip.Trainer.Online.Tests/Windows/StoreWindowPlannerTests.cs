using Flip.FeatureStore.Events;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flip.Trainer.Online.Tests.Windows;

public sealed class StoreWindowPlannerTests
{
    private static StoreWindowPlanner Planner(Flip.FeatureStore.Store.ParquetEventStore store, string window, TimeSpan? horizon = null) =>
        new(store, WindowSpec.Parse(window), horizon ?? TimeSpan.FromDays(1), new StoreQuarantine(store), NullLogger.Instance);

    private static async Task<List<PlannedWindow>> PlanAll(StoreWindowPlanner planner, WindowCursor cursor, DateTime limit)
    {
        var windows = new List<PlannedWindow>();
        while (await planner.TryPlanAsync(cursor, limit, scanLate: true, CancellationToken.None) is { } w)
        {
            windows.Add(w);
            planner.Consume(cursor, w);
        }
        return windows;
    }

    [Fact]
    public async Task Span_windows_come_in_event_time_order_skip_empty_hours_and_wait_until_closed()
    {
        var store = TestStores.Open(TestStores.TempDirectory("plan-span"));
        // Hours 0, 1 and 5 hold events (written out of order, two files for hour 1); hours 2-4 are empty.
        var hour5 = TestStores.Events(10, TimeSpan.FromMinutes(5), offset: TimeSpan.FromHours(5), prefix: "c");
        var hour1b = TestStores.Events(6, TimeSpan.FromMinutes(10), offset: TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1), prefix: "b");
        var first = TestStores.Events(24, TimeSpan.FromMinutes(5), prefix: "a"); // hours 0 and 1
        store.Append(hour5, "p0-300-309");
        store.Append(hour1b, "p1-0-5");
        store.Append(first, "p0-0-23");
        var planner = Planner(store, "01:00:00");
        await planner.RefreshAsync(CancellationToken.None);
        var cursor = new WindowCursor();

        // Watermark = 05:45; with 30 minutes of allowed lateness, hour 5 (ends 06:00) is not closed yet.
        var windows = await PlanAll(planner, cursor, planner.Watermark!.Value - TimeSpan.FromMinutes(30));
        Assert.Equal(2, windows.Count);
        Assert.Equal((TestStores.Start, TestStores.Start.AddHours(1)), (windows[0].From, windows[0].To));
        Assert.Equal(12, windows[0].Events.Count);
        Assert.Equal(12 + 6, windows[1].Events.Count);
        foreach (var w in windows)
        {
            Assert.True(w.Events.Zip(w.Events.Skip(1)).All(p => p.First.EventTime <= p.Second.EventTime));
            Assert.All(w.Events, e => Assert.InRange(e.EventTime, w.From, w.To.AddTicks(-1)));
        }
        Assert.Equal(TestStores.Start.AddHours(2), cursor.CursorUtc);

        // Draining closes the last hour.
        var rest = await PlanAll(planner, cursor, DateTime.MaxValue);
        Assert.Single(rest);
        Assert.Equal(TestStores.Start.AddHours(5), rest[0].From);
        Assert.Equal(10, rest[0].Events.Count);
    }

    [Fact]
    public async Task Count_windows_take_n_events_plus_ties_of_the_last_one()
    {
        var store = TestStores.Open(TestStores.TempDirectory("plan-count"));
        var events = TestStores.Events(25, TimeSpan.FromMinutes(10));
        // Events 9, 10 and 11 share one time: a window of 10 must take all three.
        events[10] = events[10] with { EventTime = events[9].EventTime };
        events[11] = events[11] with { EventTime = events[9].EventTime };
        store.Append(events, "p0-0-24");
        var planner = Planner(store, "10");
        await planner.RefreshAsync(CancellationToken.None);
        var windows = await PlanAll(planner, new WindowCursor(), DateTime.MaxValue);
        Assert.Equal([12, 10, 3], windows.Select(w => w.Events.Count));
        Assert.Equal(25, windows.SelectMany(w => w.Events).Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public async Task A_late_event_is_trained_with_the_window_being_planned_when_it_appears_and_beyond_the_horizon_is_dropped()
    {
        var store = TestStores.Open(TestStores.TempDirectory("plan-late"));
        store.Append(TestStores.Events(48, TimeSpan.FromMinutes(5)), "p0-0-47"); // hours 0-3
        var planner = Planner(store, "01:00:00", horizon: TimeSpan.FromMinutes(150));
        await planner.RefreshAsync(CancellationToken.None);
        var cursor = new WindowCursor();
        var trained = await PlanAll(planner, cursor, TestStores.Start.AddHours(3));
        Assert.Equal(3, trained.Count);

        // Two events arrive late for hour 2 (within the horizon) and one for 00:03, before the horizon (00:30), plus hour 3 fills up.
        store.Append([
            new ClickEvent("late-2", TestStores.Start.AddHours(2).AddMinutes(7), ["u1", "i1", "c1"], 1),
            new ClickEvent("late-2b", TestStores.Start.AddHours(2).AddMinutes(8), ["u1", "i2", "c1"], 0),
        ], "p1-0-1");
        store.Append([new ClickEvent("late-0", TestStores.Start.AddMinutes(3), ["u2", "i1", "c1"], 1)], "p1-2-2");
        await planner.RefreshAsync(CancellationToken.None);
        var next = await planner.TryPlanAsync(cursor, DateTime.MaxValue, scanLate: true, CancellationToken.None);
        Assert.NotNull(next);
        Assert.Equal(TestStores.Start.AddHours(3), next.From);
        Assert.Equal(2, next.LateEvents);
        Assert.Equal(1, next.DroppedLateEvents);
        Assert.Equal(["late-2", "late-2b"], next.Events.Take(2).Select(e => e.Id));
        Assert.Equal(12 + 2, next.Events.Count);
        planner.Consume(cursor, next);

        // Once consumed, the late files are known: nothing is trained twice.
        Assert.Null(await planner.TryPlanAsync(cursor, DateTime.MaxValue, scanLate: true, CancellationToken.None));
    }

    [Fact]
    public async Task A_corrupt_parquet_file_is_quarantined_with_its_reason_and_the_rest_is_read()
    {
        var root = TestStores.TempDirectory("plan-corrupt");
        var store = TestStores.Open(root);
        store.Append(TestStores.Events(12, TimeSpan.FromMinutes(5)), "p0-0-11");
        var hourDirectory = Path.GetDirectoryName(store.ListFiles()[0].Path)!;
        var corrupt = Path.Combine(hourDirectory, "p1-0-9.parquet");
        File.WriteAllBytes(corrupt, "PAR1 this is not parquet at all"u8.ToArray());
        var planner = Planner(store, "01:00:00");
        await planner.RefreshAsync(CancellationToken.None);
        var windows = await PlanAll(planner, new WindowCursor(), DateTime.MaxValue);

        Assert.Single(windows);
        Assert.Equal(12, windows[0].Events.Count);
        Assert.False(File.Exists(corrupt));
        Assert.Equal(1, planner.QuarantinedFiles);
        var moved = Directory.GetFiles(Path.Combine(root, StoreQuarantine.FolderName), "p1-0-9.parquet", SearchOption.AllDirectories);
        Assert.Single(moved);
        Assert.False(string.IsNullOrWhiteSpace(File.ReadAllText(moved[0] + ".reason")));
    }
}
