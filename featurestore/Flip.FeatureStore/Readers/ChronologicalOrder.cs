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

        // Keys are unique (time, read position) pairs, so the unstable Array.Sort gives the stable order.
        var keys = new Key[events.Count];
        var items = events.ToArray();
        for (int i = 0; i < keys.Length; i++) keys[i] = new Key(items[i].EventTime.Ticks, i);
        Array.Sort(keys, items);
        events.Clear();
        events.AddRange(items);
    }

    private readonly record struct Key(long Ticks, int Position) : IComparable<Key>
    {
        public int CompareTo(Key other)
        {
            int c = Ticks.CompareTo(other.Ticks);
            return c != 0 ? c : Position.CompareTo(other.Position);
        }
    }
}
