using System.Text.Json;
using Flip.Scorer.Requests;
using Flip.Scorer.Scoring;

namespace Flip.Scorer.Http;

/// <summary>
/// JSON bodies written straight to a buffer writer: scores
/// <c>{"requestId":..,"modelVersion":"000042","modelKind":"dcnv2","scores":[{"id":"e1","ctr":0.1234}]}</c> (id null for
/// events sent without one) and errors <c>{"error":"unknown_field","message":"..."}</c>.
/// </summary>
public static class ScoreResponses
{
    private static readonly JsonWriterOptions Options = new() { SkipValidation = true };

    public static void WriteScores(System.Buffers.IBufferWriter<byte> output, ScoredRequest scored)
    {
        using var json = new Utf8JsonWriter(output, Options);
        json.WriteStartObject();
        if (scored.Request.RequestId is { } requestId) json.WriteString("requestId"u8, requestId);
        json.WriteString("modelVersion"u8, scored.ModelVersion);
        json.WriteString("modelKind"u8, scored.ModelKind);
        json.WriteStartArray("scores"u8);
        var events = scored.Request.Events;
        for (int i = 0; i < events.Count; i++)
        {
            json.WriteStartObject();
            if (events[i].Id.Length > 0) json.WriteString("id"u8, events[i].Id);
            else json.WriteNull("id"u8);
            json.WriteNumber("ctr"u8, scored.Scores[i]);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static void WriteError(System.Buffers.IBufferWriter<byte> output, ScoreRequestError error)
    {
        using var json = new Utf8JsonWriter(output, Options);
        json.WriteStartObject();
        json.WriteString("error"u8, error.Code);
        json.WriteString("message"u8, error.Message);
        json.WriteEndObject();
    }
}
