using System.Collections.Concurrent;
using Flip.Scorer.Models;

namespace Flip.Scorer.Tests.Lifecycle;

public sealed class HotSwapTests
{
    [Fact]
    public async Task Five_publishes_under_continuous_load_lose_no_request_and_every_answer_names_a_published_version()
    {
        var root = TestScorer.NewRegistryRoot();
        var events = MovieLensLikeEvents.Generate(500);
        var (model, vocabulary) = TestModels.TrainDcnV2(events, epochs: 1);
        var registry = new Flip.Registry.ModelRegistry(root);
        var published = new ConcurrentDictionary<string, bool>();
        var first = TestModels.PublishId(registry, model, vocabulary);
        published[first.Version] = true;
        await using var scorer = await TestScorer.StartAsync(root, new() { ["Scorer:PollInterval"] = "00:00:00.100" });
        await scorer.WaitForVersionAsync(first.Version);
        var firstServed = scorer.Slot.Current!;

        using var stop = new CancellationTokenSource();
        var failures = new ConcurrentBag<string>();
        var seen = new ConcurrentDictionary<string, int>();
        long answered = 0;
        var clients = Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
        {
            int i = c;
            while (!stop.IsCancellationRequested)
            {
                var e = events[i++ % events.Count];
                try
                {
                    using var response = await scorer.PostAsync(TestScorer.EventJson(e));
                    string text = await response.Content.ReadAsStringAsync();
                    if (!response.IsSuccessStatusCode) { failures.Add($"{(int)response.StatusCode} {text}"); continue; }
                    var answer = System.Text.Json.JsonSerializer.Deserialize<ScoreAnswer>(text, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;
                    // The version must have been published before this answer arrived.
                    if (!published.ContainsKey(answer.ModelVersion)) failures.Add($"unpublished version {answer.ModelVersion}");
                    seen.AddOrUpdate(answer.ModelVersion, 1, (_, n) => n + 1);
                    Interlocked.Increment(ref answered);
                }
                catch (Exception ex) { failures.Add(ex.Message); }
            }
        })).ToArray();

        for (int n = 0; n < 5; n++)
        {
            await Task.Delay(300);
            // Registered as published before the registry renames it into place, so no answer can beat the bookkeeping.
            var version = Flip.Registry.ModelRegistry.FormatVersion(long.Parse(registry.LatestVersion!) + 1);
            published[version] = true;
            var next = TestModels.PublishId(registry, model, vocabulary);
            Assert.Equal(version, next.Version);
            await scorer.WaitForVersionAsync(next.Version);
        }
        await Task.Delay(300);
        stop.Cancel();
        await Task.WhenAll(clients);

        Assert.True(failures.IsEmpty, $"{failures.Count} failed requests, e.g. {failures.FirstOrDefault()}");
        Assert.True(answered > 50, $"only {answered} answers");
        Assert.True(seen.Count >= 3, $"answers came from versions {string.Join(", ", seen.Keys)}");
        Assert.True(firstServed.IsDisposed, "the first version was not freed after it was swapped out");
        string metrics = await scorer.MetricsAsync();
        Assert.Contains("flip_scorer_model_swaps_total 6", metrics);
    }
}
