using Confluent.Kafka;
using Flip.FeatureStore.Events;

namespace Flip.Ingest.Worker;

/// <summary>A consumed message after validation: the event, or why it was refused plus its raw bytes for the dead-letter topic.</summary>
public readonly record struct ParsedClick(ClickEvent? Event, EventRejection? Rejection, byte[]? Raw);

/// <summary>
/// Parses and validates click JSON straight from librdkafka's buffer (no copy of valid messages); only a
/// refused message is copied, because it travels on to the dead-letter topic. Never throws.
/// </summary>
internal sealed class ClickMessageDeserializer(ClickEventJson json, EventValidationOptions validation) : IDeserializer<ParsedClick>
{
    private readonly FastClickParser _fast = new(json.Schema, validation);

    public ParsedClick Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context)
    {
        if (isNull) return new ParsedClick(null, new EventRejection(EventRejectReason.InvalidJson, "message has no value (null)"), null);
        if (_fast.TryParse(data) is { } valid) return new ParsedClick(valid, null, null);
        (ClickEvent? e, EventRejection? rejection) = json.Deserialize(data);
        return e is not null ? new ParsedClick(e, null, null) : new ParsedClick(null, rejection, data.ToArray());
    }
}
