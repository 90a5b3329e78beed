using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Flip.Scorer.Models;
using Flip.Scorer.Requests;
using Flip.Scorer.Scoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace Flip.Scorer.Http;

/// <summary>
/// The HTTP surface: <c>POST /v1/score</c>, <c>GET /v1/model</c>, <c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c> (and
/// <c>POST /bench/constant</c> when enabled). <c>/v1/*</c> and <c>/bench/*</c> require an <c>X-Api-Key</c> header when
/// <see cref="ScorerOptions.ApiKeys"/> is set. Every request is counted by endpoint and status code and timed.
/// </summary>
public static class ScorerEndpoints
{
    public const string ApiKeyHeader = "X-Api-Key";
    private static readonly byte[] ConstantBody = """{"modelVersion":"constant","modelKind":"constant","scores":[{"id":null,"ctr":0.5}]}"""u8.ToArray();
    private static readonly JsonSerializerOptions ManifestJson = new(JsonSerializerDefaults.Web);

    public static void Map(WebApplication app)
    {
        var options = app.Services.GetRequiredService<ScorerOptions>();
        var metrics = app.Services.GetRequiredService<ScorerMetrics>();
        var keys = options.ApiKeys.Where(k => k.Length > 0).Select(k => Encoding.UTF8.GetBytes(k)).ToArray();

        app.Use(async (context, next) =>
        {
            long start = Stopwatch.GetTimestamp();
            string endpoint = EndpointLabel(context.Request.Path);
            if (keys.Length > 0 && (context.Request.Path.StartsWithSegments("/v1") || context.Request.Path.StartsWithSegments("/bench")) && !Authorized(context, keys))
                await Error(context.Response, new ScoreRequestError(401, ScoreRequestError.Unauthorized, $"a valid {ApiKeyHeader} header is required"));
            else
                await next(context);
            metrics.Requests.WithLabels(endpoint, StatusText(context.Response.StatusCode)).Inc();
            metrics.Duration.WithLabels(endpoint).Observe(Stopwatch.GetElapsedTime(start).TotalSeconds);
        });

        app.MapPost("/v1/score", (HttpContext context, ScoringService scoring) => Score(context, scoring, options));
        app.MapGet("/v1/model", (HttpContext context, ModelSlot slot) => CurrentModel(context, slot));
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", (HttpContext context, ModelSlot slot) => Ready(context, slot));
        app.MapGet("/metrics", async (HttpContext context, CollectorRegistry registry) =>
        {
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
        });
        if (options.ConstantEndpoint) app.MapPost("/bench/constant", (HttpContext context) => Constant(context, options));
    }

    private static async Task Score(HttpContext context, ScoringService scoring, ScorerOptions options)
    {
        using var body = await RequestBody.ReadAsync(context.Request, options.MaxBodyBytes, context.RequestAborted);
        if (body is null)
        {
            await Error(context.Response, new ScoreRequestError(413, ScoreRequestError.Oversize, $"the body is larger than the limit of {options.MaxBodyBytes} bytes"));
            return;
        }
        var (scored, error) = await scoring.ScoreAsync(body.Memory);
        if (error is not null)
        {
            await Error(context.Response, error);
            return;
        }
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        ScoreResponses.WriteScores(context.Response.BodyWriter, scored!);
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    private static async Task Constant(HttpContext context, ScorerOptions options)
    {
        using var body = await RequestBody.ReadAsync(context.Request, options.MaxBodyBytes, context.RequestAborted);
        context.Response.StatusCode = body is null ? 413 : 200;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(ConstantBody, context.RequestAborted);
    }

    private static async Task CurrentModel(HttpContext context, ModelSlot slot)
    {
        if (slot.Current is not { } model)
        {
            await Error(context.Response, new ScoreRequestError(503, ScoreRequestError.NoModel, "no verified model is loaded yet"));
            return;
        }
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, model.Manifest, ManifestJson, context.RequestAborted);
    }

    private static IResult Ready(HttpContext context, ModelSlot slot) =>
        slot.Current is { } model ? Results.Text($"ready: model {model.Version} ({model.Kind})\n") : Results.Text("not ready: no verified model loaded\n", statusCode: 503);

    private static async Task Error(HttpResponse response, ScoreRequestError error)
    {
        response.StatusCode = error.Status;
        response.ContentType = "application/json";
        ScoreResponses.WriteError(response.BodyWriter, error);
        await response.BodyWriter.FlushAsync();
    }

    private static bool Authorized(HttpContext context, byte[][] keys)
    {
        if (!context.Request.Headers.TryGetValue(ApiKeyHeader, out var values) || values.Count != 1 || values[0] is not { Length: > 0 } given) return false;
        var bytes = Encoding.UTF8.GetBytes(given);
        bool ok = false;
        // Compare against every key in constant time so timing reveals neither which key nor how much matched.
        foreach (var key in keys) ok |= CryptographicOperations.FixedTimeEquals(bytes, key);
        return ok;
    }

    private static string EndpointLabel(PathString path)
    {
        foreach (var endpoint in ScorerMetrics.Endpoints)
            if (path.Equals(endpoint, StringComparison.Ordinal)) return endpoint;
        return "other";
    }

    private static readonly string[] StatusTexts = Enumerable.Range(0, 600).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    private static string StatusText(int code) => code is >= 0 and < 600 ? StatusTexts[code] : code.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
