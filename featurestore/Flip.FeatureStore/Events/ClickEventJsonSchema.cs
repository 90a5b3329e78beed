using System.Text.Json;
using System.Text.Json.Nodes;
using Flip.FeatureStore.Schema;

namespace Flip.FeatureStore.Events;

/// <summary>
/// A JSON Schema (draft 2020-12) of the click event wire format for one dataset, for producers in any language:
/// required <c>id</c> (1 to <see cref="EventValidationOptions.MaxIdLength"/> characters), <c>time</c> (ISO-8601 date-time,
/// year 1970-2099 or exactly 2100-01-01T00:00:00Z), <c>fields</c> (every schema field, a string of at most
/// <see cref="EventValidationOptions.MaxValueLength"/> characters, nothing else) and <c>label</c> (0 or 1); no other
/// property. What JSON Schema cannot say is checked by <see cref="ClickEventJson"/> only: the message size
/// (<see cref="EventValidationOptions.MaxMessageBytes"/>), duplicate keys, invalid UTF-8, the exact time bounds after
/// converting an offset to UTC, and lengths counted in UTF-16 units (JSON Schema counts code points).
/// docs/schemas/ ships the schema of each built-in dataset; a test keeps the shipped files equal to this generator.
/// </summary>
public static class ClickEventJsonSchema
{
    /// <summary>The schema as indented JSON text (LF line ends, trailing newline).</summary>
    public static string For(DatasetSchema schema, EventValidationOptions? options = null)
    {
        options ??= new EventValidationOptions();
        if (options.MinTime != DateTime.UnixEpoch || options.MaxTime != new DateTime(2100, 1, 1, 0, 0, 0, DateTimeKind.Utc))
            throw new ArgumentException("The JSON Schema encodes the default time range 1970-01-01 .. 2100-01-01 only.", nameof(options));
        var fields = new JsonObject();
        foreach (var f in schema.Fields)
            fields[f.Name] = new JsonObject { ["type"] = "string", ["maxLength"] = options.MaxValueLength, ["description"] = f.TextName };
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = $"https://flip.streaming/schemas/click-event.{schema.Name}.schema.json",
            ["title"] = $"Flip.Streaming click event ({schema.Name})",
            ["description"] = $"One message on flip.clicks (UTF-8 JSON, at most {options.MaxMessageBytes} bytes, no duplicate keys), keyed by the user id.",
            ["type"] = "object",
            ["required"] = new JsonArray("id", "time", "fields", "label"),
            ["additionalProperties"] = false,
            ["properties"] = new JsonObject
            {
                ["id"] = new JsonObject { ["type"] = "string", ["minLength"] = 1, ["maxLength"] = options.MaxIdLength, ["description"] = "Unique event id." },
                ["time"] = new JsonObject
                {
                    ["type"] = "string",
                    ["format"] = "date-time",
                    ["pattern"] = @"^((19[7-9][0-9]|20[0-9][0-9])-[0-9]{2}-[0-9]{2}T|2100-01-01T00:00:00(\.0+)?(Z|[+-]00:00)$)",
                    ["description"] = "Event time, ISO-8601 (UTC 'Z' recommended), from 1970-01-01 to 2100-01-01.",
                },
                ["fields"] = new JsonObject
                {
                    ["type"] = "object",
                    ["required"] = new JsonArray(schema.Fields.Select(f => (JsonNode)JsonValue.Create(f.Name)).ToArray()),
                    ["additionalProperties"] = false,
                    ["properties"] = fields,
                },
                ["label"] = new JsonObject { ["enum"] = new JsonArray(0, 1), ["description"] = "1 = click (positive), 0 = no click." },
            },
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }).ReplaceLineEndings("\n") + "\n";
    }
}
