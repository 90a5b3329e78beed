using System.Text.Json;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;

namespace Flip.Scorer.Requests;

/// <summary>
/// Parses scoring requests with a forward-only <see cref="Utf8JsonReader"/> (no DOM) and validates them against the
/// serving model's schema. Accepted shapes: one event <c>{"id":"..","time":"..","fields":{..}}</c>, an array of events,
/// or <c>{"requestId":"..","events":[..]}</c> (the <c>flip.requests</c> value). Every field of the schema is required, as a
/// string; an unknown field name, an unknown property, a wrong type or a too long value is refused with a message naming
/// it (and the event's index). A <c>label</c> property is accepted and ignored, so click events can be scored as they are.
/// Thread-safe.
/// </summary>
public sealed class ScoreRequestParser(ScorerOptions options)
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 16 };

    /// <summary>Exactly one of the results is non-null.</summary>
    public (ScoreRequest? Request, ScoreRequestError? Error) Parse(ReadOnlySpan<byte> json, DatasetSchema schema)
    {
        if (json.Length > options.MaxBodyBytes)
            return Fail(new ScoreRequestError(413, ScoreRequestError.Oversize, $"the request is {json.Length} bytes, more than the limit of {options.MaxBodyBytes}"));
        var reader = new Utf8JsonReader(json, ReaderOptions);
        try
        {
            if (!reader.Read()) return Fail(ScoreRequestError.BadRequest(ScoreRequestError.InvalidJson, "the body is empty; expected an event, an array of events or {\"events\": [...]}"));
            var state = new Reader(options, schema);
            (ScoreRequest?, ScoreRequestError?) result = reader.TokenType switch
            {
                JsonTokenType.StartArray => state.ReadEventArray(ref reader, null),
                JsonTokenType.StartObject => state.ReadTopObject(ref reader),
                _ => Fail(ScoreRequestError.BadRequest(ScoreRequestError.WrongType, $"the body is a JSON {Describe(reader.TokenType)}; expected an event object, an array of events or {{\"events\": [...]}}")),
            };
            if (result.Item2 is not null) return result;
            if (reader.Read()) return Fail(ScoreRequestError.BadRequest(ScoreRequestError.InvalidJson, $"unexpected content after the JSON value at byte {reader.TokenStartIndex}"));
            return result;
        }
        catch (JsonException e)
        {
            return Fail(ScoreRequestError.BadRequest(ScoreRequestError.InvalidJson, $"malformed JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine}"));
        }
        catch (InvalidOperationException)
        {
            // Utf8JsonReader.GetString throws this for a string that is not valid UTF-8.
            return Fail(ScoreRequestError.BadRequest(ScoreRequestError.InvalidJson, $"a string near byte {reader.TokenStartIndex} is not valid UTF-8"));
        }
    }

    private static (ScoreRequest?, ScoreRequestError?) Fail(ScoreRequestError error) => (null, error);

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartArray => "array",
        JsonTokenType.StartObject => "object",
        _ => token.ToString(),
    };

    private sealed class Reader(ScorerOptions options, DatasetSchema schema)
    {
        private string? _id;
        private DateTime? _time;
        private string[]? _values;
        private string? _requestId;
        private List<ClickEvent>? _events;
        private bool _sawEventProperty;

        public (ScoreRequest?, ScoreRequestError?) ReadTopObject(ref Utf8JsonReader reader)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("requestId"u8))
                {
                    reader.Read();
                    if (ReadId(ref reader, "requestId", out _requestId) is { } error) return Fail(error);
                }
                else if (reader.ValueTextEquals("events"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartArray)
                        return Fail(ScoreRequestError.BadRequest(ScoreRequestError.WrongType, $"'events' is a JSON {Describe(reader.TokenType)}; expected an array of events"));
                    var (request, problem) = ReadEventArray(ref reader, null);
                    if (problem is not null) return Fail(problem);
                    _events = (List<ClickEvent>)request!.Events;
                }
                else
                {
                    _sawEventProperty = true;
                    if (ReadEventProperty(ref reader, "") is { } error) return Fail(error);
                }
            }
            if (_events is not null)
            {
                if (_sawEventProperty)
                    return Fail(ScoreRequestError.BadRequest(ScoreRequestError.UnknownProperty, "a request with 'events' may only have 'requestId' beside it"));
                return (new ScoreRequest(_requestId, _events), null);
            }
            if (_requestId is not null) return Fail(ScoreRequestError.BadRequest(ScoreRequestError.MissingField, "property 'events' is missing"));
            var (single, singleError) = FinishEvent("");
            return singleError is null ? (new ScoreRequest(null, [single!]), null) : Fail(singleError);
        }

        public (ScoreRequest?, ScoreRequestError?) ReadEventArray(ref Utf8JsonReader reader, string? requestId)
        {
            var events = new List<ClickEvent>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                string where = $"events[{events.Count}]: ";
                if (events.Count >= options.MaxEventsPerRequest)
                    return Fail(ScoreRequestError.BadRequest(ScoreRequestError.TooManyEvents, $"more than {options.MaxEventsPerRequest} events in one request"));
                if (reader.TokenType != JsonTokenType.StartObject)
                    return Fail(ScoreRequestError.BadRequest(ScoreRequestError.WrongType, $"{where}a JSON {Describe(reader.TokenType)}; expected an event object"));
                _id = null;
                _time = null;
                _values = null;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    if (ReadEventProperty(ref reader, where) is { } error) return Fail(error);
                var (e, problem) = FinishEvent(where);
                if (problem is not null) return Fail(problem);
                events.Add(e!);
            }
            if (events.Count == 0) return Fail(ScoreRequestError.BadRequest(ScoreRequestError.NoEvents, "the request holds no events"));
            return (new ScoreRequest(requestId, events), null);
        }

        private ScoreRequestError? ReadEventProperty(ref Utf8JsonReader reader, string where)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                return ReadId(ref reader, where + "id", out _id);
            }
            if (reader.ValueTextEquals("time"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null) return null;
                if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTime(out var time))
                    return ScoreRequestError.BadRequest(ScoreRequestError.WrongType, $"{where}'time' is not an ISO-8601 timestamp string");
                _time = time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc);
                return null;
            }
            if (reader.ValueTextEquals("fields"u8))
            {
                reader.Read();
                return ReadFields(ref reader, where);
            }
            if (reader.ValueTextEquals("label"u8))
            {
                reader.Read();
                if (reader.TokenType is JsonTokenType.Number or JsonTokenType.Null) return null;
                return ScoreRequestError.BadRequest(ScoreRequestError.WrongType, $"{where}'label' is a JSON {Describe(reader.TokenType)}; expected a number (it is ignored)");
            }
            string name = reader.GetString() ?? "";
            return ScoreRequestError.BadRequest(ScoreRequestError.UnknownProperty,
                $"{where}unknown property '{Truncate(name)}' (an event has id, time, fields, and an ignored label)");
        }

        private ScoreRequestError? ReadFields(ref Utf8JsonReader reader, string where)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
                return ScoreRequestError.BadRequest(ScoreRequestError.WrongType, $"{where}'fields' is a JSON {Describe(reader.TokenType)}; expected an object of strings");
            var values = new string[schema.FieldCount];
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString() ?? "";
                int index = schema.IndexOf(name);
                if (index < 0)
                    return ScoreRequestError.BadRequest(ScoreRequestError.UnknownField,
                        $"{where}field '{Truncate(name)}' is not in schema '{schema.Name}' (fields: {string.Join(", ", schema.FieldNames)})");
                if (values[index] is not null) return ScoreRequestError.BadRequest(ScoreRequestError.DuplicateField, $"{where}field '{name}' appears twice");
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                    return ScoreRequestError.BadRequest(ScoreRequestError.WrongType, $"{where}field '{name}' is a JSON {Describe(reader.TokenType)}; expected a string");
                string value = reader.GetString()!;
                if (value.Length > options.MaxFieldLength)
                    return ScoreRequestError.BadRequest(ScoreRequestError.ValueTooLong, $"{where}field '{name}' is {value.Length} characters, more than the limit of {options.MaxFieldLength}");
                values[index] = value;
            }
            _values = values;
            return null;
        }

        private ScoreRequestError? ReadId(ref Utf8JsonReader reader, string what, out string? id)
        {
            id = null;
            if (reader.TokenType == JsonTokenType.Null) return null;
            if (reader.TokenType != JsonTokenType.String)
                return ScoreRequestError.BadRequest(ScoreRequestError.WrongType, $"'{what}' is a JSON {Describe(reader.TokenType)}; expected a string");
            id = reader.GetString();
            if (id!.Length > options.MaxIdLength)
                return ScoreRequestError.BadRequest(ScoreRequestError.ValueTooLong, $"'{what}' is {id.Length} characters, more than the limit of {options.MaxIdLength}");
            return null;
        }

        private (ClickEvent?, ScoreRequestError?) FinishEvent(string where)
        {
            if (_values is null) return (null, ScoreRequestError.BadRequest(ScoreRequestError.MissingField, $"{where}property 'fields' is missing"));
            for (int i = 0; i < _values.Length; i++)
                if (_values[i] is null) return (null, ScoreRequestError.BadRequest(ScoreRequestError.MissingField, $"{where}field '{schema.Fields[i].Name}' is missing"));
            return (new ClickEvent(_id ?? "", _time ?? DateTime.UnixEpoch, _values, 0), null);
        }

        private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "...";
    }
}
