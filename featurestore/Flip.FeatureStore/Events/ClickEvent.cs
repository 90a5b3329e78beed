namespace Flip.FeatureStore.Events;

/// <summary>
/// One click sample: an id that is unique across the stream, when it happened (UTC, from the event,
/// never the wall clock), one string value per schema field in schema order, and the 0/1 label.
/// </summary>
public sealed record ClickEvent(string Id, DateTime EventTime, string[] Values, byte Label)
{
    public string this[int field] => Values[field];
}
