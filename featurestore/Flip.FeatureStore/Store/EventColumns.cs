using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;

namespace Flip.FeatureStore.Store;

/// <summary>
/// Click events laid out column by column (what Parquet and Arrow both want), with the one check every
/// writer needs: each event has one non-null value per schema field, a 0/1 label, and a UTC time.
/// </summary>
internal sealed class EventColumns
{
    public EventColumns(int count, int fieldCount)
    {
        Ids = new string[count];
        Times = new DateTime[count];
        Values = new string[fieldCount][];
        for (int f = 0; f < fieldCount; f++) Values[f] = new string[count];
        Labels = new byte[count];
    }

    public string[] Ids { get; }
    public DateTime[] Times { get; }
    /// <summary>Values[field][row].</summary>
    public string[][] Values { get; }
    public byte[] Labels { get; }
    public int Count => Ids.Length;

    public static EventColumns From(DatasetSchema schema, IReadOnlyList<ClickEvent> events)
    {
        var columns = new EventColumns(events.Count, schema.FieldCount);
        for (int row = 0; row < events.Count; row++) columns.Set(schema, row, events[row]);
        return columns;
    }

    public void Set(DatasetSchema schema, int row, ClickEvent e)
    {
        Ids[row] = Validate(schema, e);
        Times[row] = TruncateToMicroseconds(e.EventTime);
        for (int f = 0; f < Values.Length; f++) Values[f][row] = e.Values[f];
        Labels[row] = e.Label;
    }

    public ClickEvent Row(int row)
    {
        var values = new string[Values.Length];
        for (int f = 0; f < values.Length; f++) values[f] = Values[f][row];
        return new ClickEvent(Ids[row], Times[row], values, Labels[row]);
    }

    /// <summary>Refuses an event the store cannot hold as it is; returns its id.</summary>
    public static string Validate(DatasetSchema schema, ClickEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Id is null) throw new ArgumentException("An event has no id.");
        if (e.EventTime.Kind == DateTimeKind.Local)
            throw new ArgumentException($"Event '{e.Id}': event time {e.EventTime:O} is local time; events carry UTC times.");
        if (e.Values is null || e.Values.Length != schema.FieldCount)
            throw new ArgumentException($"Event '{e.Id}': has {e.Values?.Length ?? 0} values, schema '{schema.Name}' has {schema.FieldCount} fields.");
        for (int f = 0; f < e.Values.Length; f++)
        {
            if (e.Values[f] is null) throw new ArgumentException($"Event '{e.Id}': field '{schema.Fields[f].Name}' is null.");
        }
        if (e.Label > 1) throw new ArgumentException($"Event '{e.Id}': label {e.Label} is not 0 or 1.");
        return e.Id;
    }

    /// <summary>Stored precision is the microsecond (Parquet and Arrow timestamp(us)); Unspecified kind is taken as UTC.</summary>
    public static DateTime TruncateToMicroseconds(DateTime time) =>
        new(time.Ticks - time.Ticks % TimeSpan.TicksPerMicrosecond, DateTimeKind.Utc);
}
