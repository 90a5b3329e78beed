using Flip.FeatureStore.Events;

namespace Flip.FeatureStore.Readers;

/// <summary>Stable sort of events by event time: ties keep the order in which the rows were read.</summary>
internal static class ChronologicalOrder
{
    /// <summary>Sorts in place; does nothing when the events are already in order (e.g. file order with synthetic times).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void SortStable(List<ClickEvent> events)
    {
        bool sorted = true;
        for (int i = 1; i < events.Count && sorted; i++)
            sorted = events[i - 1].EventTime <= events[i].EventTime;
        if (sorted) return;

        // Sort primitive (ticks, position) arrays, then restore file order inside runs of equal times: the
        // unstable sort only ever misorders ties, and primitive instantiations start fast (no tiering wait).
        var ticks = new long[events.Count];
        var order = new int[events.Count];
        for (int i = 0; i < ticks.Length; i++)
        {
            ticks[i] = events[i].EventTime.Ticks;
            order[i] = i;
        }
        Array.Sort(ticks, order);
        for (int start = 0; start < ticks.Length;)
        {
            int end = start + 1;
            while (end < ticks.Length && ticks[end] == ticks[start]) end++;
            if (end - start > 1) Array.Sort(order, start, end - start);
            start = end;
        }
        var items = new ClickEvent[order.Length];
        for (int i = 0; i < order.Length; i++) items[i] = events[order[i]];
        events.Clear();
        events.AddRange(items);
    }
}
