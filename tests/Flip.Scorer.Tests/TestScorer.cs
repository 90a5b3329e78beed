using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Flip.FeatureStore.Events;
using Flip.Registry;
using Flip.Scorer.Lifecycle;
using Flip.Scorer.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace Flip.Scorer.Tests;

/// <summary>A real scorer on a loopback port (Kestrel, port chosen by the OS) over a temporary registry.</summary>
internal sealed class TestScorer : IAsyncDisposable
{
    private TestScorer(WebApplication app, string root, ModelRegistry registry)
    {
        App = app;
        Root = root;
        Registry = registry;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }
    public string Root { get; }
    public ModelRegistry Registry { get; }
    public HttpClient Http { get; }
    public ModelSlot Slot => App.Services.GetRequiredService<ModelSlot>();
    public ModelLifecycle Lifecycle => App.Services.GetRequiredService<ModelLifecycle>();
    public ModelWatcher Watcher => App.Services.GetRequiredService<ModelWatcher>();

    public static string NewRegistryRoot() => Path.Combine(Path.GetTempPath(), $"flip-scorer-test-{Guid.NewGuid():N}");

    /// <summary>Starts a scorer on <paramref name="root"/>; Kafka off unless a bootstrap is given.</summary>
    public static async Task<TestScorer> StartAsync(string root, Dictionary<string, string?>? settings = null, string? bootstrap = null)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["Scorer:Registry"] = root,
            ["Scorer:Urls"] = "http://127.0.0.1:0",
            ["Scorer:PollInterval"] = "00:00:00.200",
            ["Scorer:Kafka"] = bootstrap is null ? "false" : "true",
            ["Scorer:SessionTimeoutMs"] = "6000",
            ["Kafka:BootstrapServers"] = bootstrap ?? "127.0.0.1:1",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (k, v) in settings ?? []) overrides[k] = v;
        var app = ScorerApp.Build([], overrides);
        await app.StartAsync();
        return new TestScorer(app, root, new ModelRegistry(root));
    }

    /// <summary>Waits until the served version is <paramref name="version"/>.</summary>
    public async Task WaitForVersionAsync(string version, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (Slot.Current?.Version != version)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The scorer still serves {Slot.Current?.Version ?? "nothing"}, not {version}.");
            await Task.Delay(20);
        }
    }

    public static string EventJson(ClickEvent e, bool withId = true)
    {
        var schema = MovieLensLikeEvents.Schema;
        var fields = new Dictionary<string, string>();
        for (int i = 0; i < schema.FieldCount; i++) fields[schema.Fields[i].Name] = e.Values[i];
        object body = withId ? new { id = e.Id, time = e.EventTime, fields } : new { fields };
        return JsonSerializer.Serialize(body);
    }

    public static string EventsJson(IEnumerable<ClickEvent> events) => "[" + string.Join(",", events.Select(e => EventJson(e))) + "]";

    public Task<HttpResponseMessage> PostAsync(string json, string path = "/v1/score") =>
        Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    /// <summary>Scores and parses a successful answer.</summary>
    public async Task<ScoreAnswer> ScoreAsync(string json)
    {
        using var response = await PostAsync(json);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<ScoreAnswer>(text, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }

    public async Task<string> MetricsAsync() => await Http.GetStringAsync("/metrics");

    public CollectorRegistry Metrics => App.Services.GetRequiredService<CollectorRegistry>();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

internal sealed record ScoreAnswer(string? RequestId, string ModelVersion, string ModelKind, List<ScoreItem> Scores);

internal sealed record ScoreItem(string? Id, double Ctr);
