using System.Text.Json;
using System.Text.Json.Serialization;
using Flip.FeatureStore.Schema;

namespace Flip.FeatureStore.Events;

/// <summary>Why an event was refused; the string form is used as the dead-letter reason and metric label.</summary>
public enum EventRejectReason
{
    InvalidJson,
    Oversize,
    MissingId,
    MissingField,
    UnknownField,
    WrongType,
    BadLabel,
    TimestampOutOfRange,
    ValueTooLong,
    /// <summary>The same property twice in one object (<c>"label":7,"label":1</c>): refused rather than "last wins".</summary>
    DuplicateKey,
    /// <summary>Bytes that are not UTF-8; the message names the JSON path where they start.</summary>
    InvalidUtf8,
}

/// <summary>A refused event: a machine-readable reason and a message that names the exact problem.</summary>
public sealed record EventRejection(EventRejectReason Reason, string Message)
{
    /// <summary>snake_case reason, e.g. <c>missing_field</c>.</summary>
    public string Code => JsonNamingPolicy.SnakeCaseLower.ConvertName(Reason.ToString());
    public override string ToString() => $"{Code}: {Message}";
}

/// <summary>Limits applied when validating events. Defaults suit click logs; bind from configuration section <c>Events</c>.</summary>
public sealed class EventValidationOptions
{
    /// <summary>Largest accepted message in bytes. Default 65,536.</summary>
    public int MaxMessageBytes { get; set; } = 64 * 1024;
    /// <summary>Longest accepted event id in characters. Default 128.</summary>
    public int MaxIdLength { get; set; } = 128;
    /// <summary>Longest accepted field value in characters. Default 512.</summary>
    public int MaxValueLength { get; set; } = 512;
    /// <summary>Earliest accepted event time (UTC). Default 1970-01-01.</summary>
    public DateTime MinTime { get; set; } = DateTime.UnixEpoch;
    /// <summary>Latest accepted event time (UTC). Default 2100-01-01.</summary>
    public DateTime MaxTime { get; set; } = new(2100, 1, 1, 0, 0, 0, DateTimeKind.Utc);
}

/// <summary>The wire shape of a click event on Kafka.</summary>
internal sealed class ClickEventMessage
{
    [JsonPropertyName("id")] public string? Id { get; set; }
    [JsonPropertyName("time")] public DateTime? Time { get; set; }
    [JsonPropertyName("fields")] public Dictionary<string, string?>? Fields { get; set; }
    [JsonPropertyName("label")] public int? Label { get; set; }
}

[JsonSourceGenerationOptions(UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, AllowDuplicateProperties = false)]
[JsonSerializable(typeof(ClickEventMessage))]
internal sealed partial class ClickEventJsonContext : JsonSerializerContext;

/// <summary>
/// JSON wire format of <see cref="ClickEvent"/>:
/// <c>{"id":"..","time":"2000-12-31T22:12:40Z","fields":{"user_id":"1",..},"label":1}</c>,
/// with validation against a <see cref="DatasetSchema"/> that names the exact problem.
/// </summary>
public sealed class ClickEventJson
{
    private readonly DatasetSchema _schema;
    private readonly EventValidationOptions _options;

    public ClickEventJson(DatasetSchema schema, EventValidationOptions? options = null)
    {
        _schema = schema;
        _options = options ?? new EventValidationOptions();
    }

    public DatasetSchema Schema => _schema;

    public byte[] Serialize(ClickEvent e)
    {
        var fields = new Dictionary<string, string?>(_schema.FieldCount, StringComparer.Ordinal);
        for (int i = 0; i < _schema.FieldCount; i++) fields[_schema.Fields[i].Name] = e.Values[i];
        var message = new ClickEventMessage { Id = e.Id, Time = DateTime.SpecifyKind(e.EventTime, DateTimeKind.Utc), Fields = fields, Label = e.Label };
        return JsonSerializer.SerializeToUtf8Bytes(message, ClickEventJsonContext.Default.ClickEventMessage);
    }

    /// <summary>Parses and validates; exactly one of the results is non-null.</summary>
    public (ClickEvent? Event, EventRejection? Rejection) Deserialize(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > _options.MaxMessageBytes)
            return Reject(EventRejectReason.Oversize, $"message is {utf8.Length} bytes, more than the limit of {_options.MaxMessageBytes}");
        if (!System.Text.Unicode.Utf8.IsValid(utf8)) return Reject(EventRejectReason.InvalidUtf8, InvalidUtf8Location(utf8));
        ClickEventMessage? m;
        try
        {
            m = JsonSerializer.Deserialize(utf8, ClickEventJsonContext.Default.ClickEventMessage);
        }
        catch (JsonException ex)
        {
            return FromJsonException(ex);
        }
        if (m is null) return Reject(EventRejectReason.InvalidJson, "message is JSON null, expected an object");
        return Validate(m);
    }

    private (ClickEvent?, EventRejection?) Validate(ClickEventMessage m)
    {
        if (string.IsNullOrEmpty(m.Id)) return Reject(EventRejectReason.MissingId, "property 'id' is missing or empty");
        if (m.Id.Length > _options.MaxIdLength)
            return Reject(EventRejectReason.ValueTooLong, $"id is {m.Id.Length} characters, more than the limit of {_options.MaxIdLength}");
        if (m.Time is null) return Reject(EventRejectReason.MissingField, "property 'time' is missing");
        var time = m.Time.Value;
        if (time.Kind == DateTimeKind.Local) time = time.ToUniversalTime();
        else if (time.Kind == DateTimeKind.Unspecified) time = DateTime.SpecifyKind(time, DateTimeKind.Utc);
        if (time < _options.MinTime || time > _options.MaxTime)
            return Reject(EventRejectReason.TimestampOutOfRange, $"time {time:O} is outside [{_options.MinTime:O}, {_options.MaxTime:O}]");
        if (m.Label is null) return Reject(EventRejectReason.MissingField, "property 'label' is missing");
        if (m.Label is not (0 or 1)) return Reject(EventRejectReason.BadLabel, $"label is {m.Label}, expected 0 or 1");
        if (m.Fields is null) return Reject(EventRejectReason.MissingField, "property 'fields' is missing");

        var values = new string[_schema.FieldCount];
        foreach (var (name, value) in m.Fields)
        {
            int i = _schema.IndexOf(name);
            if (i < 0) return Reject(EventRejectReason.UnknownField, $"field '{name}' is not in schema '{_schema.Name}'");
            if (value is null) return Reject(EventRejectReason.WrongType, $"field '{name}' is null, expected a string");
            if (value.Length > _options.MaxValueLength)
                return Reject(EventRejectReason.ValueTooLong, $"field '{name}' is {value.Length} characters, more than the limit of {_options.MaxValueLength}");
            values[i] = value;
        }
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] is null) return Reject(EventRejectReason.MissingField, $"field '{_schema.Fields[i].Name}' is missing");
        }
        return (new ClickEvent(m.Id, time, values, (byte)m.Label.Value), null);
    }

    private static (ClickEvent?, EventRejection?) FromJsonException(JsonException ex)
    {
        var path = ex.Path ?? "$";
        var text = ex.Message;
        if (text.Contains("uplicate", StringComparison.Ordinal))
            return Reject(EventRejectReason.DuplicateKey, $"property repeated at {path} ({FirstLine(text)})");
        if (text.Contains("could not be mapped", StringComparison.Ordinal))
            return Reject(EventRejectReason.UnknownField, $"unknown property at {path}");
        if (text.Contains("could not be converted", StringComparison.Ordinal))
            return Reject(EventRejectReason.WrongType, $"value at {path} has the wrong type ({Describe(path)})");
        return Reject(EventRejectReason.InvalidJson, $"malformed JSON at {path}, line {ex.LineNumber}, byte {ex.BytePositionInLine}");
    }

    private static string FirstLine(string text)
    {
        int end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }

    /// <summary>
    /// Where the first invalid UTF-8 byte is: its byte offset and the JSON path of the string it is in, read with a
    /// <see cref="Utf8JsonReader"/> over the valid prefix (a byte inside a property name is reported as such, not blamed
    /// on the property before it).
    /// </summary>
    private static string InvalidUtf8Location(ReadOnlySpan<byte> utf8)
    {
        int bad = 0;
        while (bad < utf8.Length)
        {
            var status = System.Text.Rune.DecodeFromUtf8(utf8[bad..], out _, out int consumed);
            if (status != System.Buffers.OperationStatus.Done) break;
            bad += consumed;
        }
        var reader = new Utf8JsonReader(utf8[..bad], isFinalBlock: false, state: default);
        var path = new List<string>();
        string? property = null; // the last property name read whose value has not been read yet
        bool inArrayOrTop = true;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        property = reader.GetString();
                        break;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        if (property is not null) path.Add(property);
                        property = null;
                        inArrayOrTop = reader.TokenType == JsonTokenType.StartArray;
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        if (path.Count > 0) path.RemoveAt(path.Count - 1);
                        break;
                    default:
                        property = null;
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // The prefix itself is malformed; report what was read so far.
        }
        string container = "$" + string.Concat(path.Select(p => "." + p));
        string where = property is not null ? $"in the value of {container}.{property}"
            : inArrayOrTop && path.Count == 0 ? "at the top level" : $"in a property name of {container}";
        return $"invalid UTF-8 at byte {bad} {where}";
    }

    private static string Describe(string path) => path switch
    {
        "$.id" => "expected a string",
        "$.time" => "expected an ISO-8601 UTC timestamp string",
        "$.label" => "expected the number 0 or 1",
        "$.fields" => "expected an object of strings",
        _ when path.StartsWith("$.fields", StringComparison.Ordinal) => "expected a string",
        _ => "unexpected value",
    };

    private static (ClickEvent?, EventRejection?) Reject(EventRejectReason reason, string message) => (null, new EventRejection(reason, message));
}
