using Flip.FeatureStore.Errors;

namespace Flip.FeatureStore.Text;

/// <summary>Not even the first field of a row fits in the configured max length, so no honest text can be built.</summary>
public sealed class TextTooLongException(string eventId, string field, int needed, int available)
    : UserInputException($"Event '{eventId}': field '{field}' needs {needed} tokens but the max length leaves room for {available} after [CLS] and [SEP]; raise TextPairOptions.MaxLength (--max-length).")
{
    public string EventId { get; } = eventId;
    public string Field { get; } = field;
    public int Needed { get; } = needed;
    public int Available { get; } = available;
}
