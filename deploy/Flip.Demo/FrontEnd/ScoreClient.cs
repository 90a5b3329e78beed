using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;

namespace Flip.Demo.FrontEnd;

/// <summary>
/// The front end's client of the scorer's <c>POST /v1/score</c> (docs/architecture.md): sends click events without
/// their labels, as a site knows them before the user acts, and reads back one CTR per event.
/// </summary>
public sealed class ScoreClient(HttpClient http, Uri scorer, DatasetSchema schema) : IDisposable
{
    /// <summary>Scores of a request, or null scores when the scorer has no model yet (503).</summary>
    public sealed record Answer(string? ModelVersion, IReadOnlyDictionary<string, double>? Scores, TimeSpan Latency, int StatusCode);

    public async Task<Answer> ScoreAsync(IReadOnlyList<ClickEvent> events, CancellationToken cancellationToken)
    {
        var body = Serialize(events);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var clock = Stopwatch.StartNew();
        using var response = await http.PostAsync(new Uri(scorer, "/v1/score"), content, cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        clock.Stop();
        if (response.StatusCode == HttpStatusCode.ServiceUnavailable) return new Answer(null, null, clock.Elapsed, 503);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"The scorer answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(bytes)}");
        using var json = JsonDocument.Parse(bytes);
        var root = json.RootElement;
        var scores = new Dictionary<string, double>(events.Count, StringComparer.Ordinal);
        foreach (var s in root.GetProperty("scores").EnumerateArray())
            scores[s.GetProperty("id").GetString()!] = s.GetProperty("ctr").GetDouble();
        return new Answer(root.GetProperty("modelVersion").GetString(), scores, clock.Elapsed, (int)response.StatusCode);
    }

    byte[] Serialize(IReadOnlyList<ClickEvent> events)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteStartArray("events");
            foreach (var e in events)
            {
                w.WriteStartObject();
                w.WriteString("id", e.Id);
                w.WriteString("time", DateTime.SpecifyKind(e.EventTime, DateTimeKind.Utc));
                w.WriteStartObject("fields");
                for (int i = 0; i < schema.FieldCount; i++) w.WriteString(schema.Fields[i].Name, e.Values[i]);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return stream.ToArray();
    }

    public void Dispose() => http.Dispose();
}
