using System.Text;
using System.Text.Json;
using Flip.FeatureStore.Events;
using Flip.Hosting;
using Flip.Registry;

namespace Flip.Scorer.Tests.Kafka;

public sealed class KafkaScoringTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Requests_on_flip_requests_are_scored_to_flip_scores_and_bad_ones_go_to_the_dead_letter_topic()
    {
        using var broker = new TestBroker();
        var root = TestScorer.NewRegistryRoot();
        var events = MovieLensLikeEvents.Generate(400);
        var (model, vocabulary) = TestModels.TrainDcnV2(events, epochs: 1);
        var published = TestModels.PublishId(new ModelRegistry(root), model, vocabulary);
        await using var scorer = await TestScorer.StartAsync(root, bootstrap: broker.Bootstrap);
        await scorer.WaitForVersionAsync(published.Version);

        var good = Enumerable.Range(0, 20).Select(i =>
            ($"req-{i}", Encoding.UTF8.GetBytes($$"""{"requestId":"req-{{i}}","events":{{TestScorer.EventsJson(events.Skip(i * 2).Take(2))}}}"""))).ToList();
        var bad = new List<(string?, byte[])>
        {
            ("bad-json", "{\"requestId\": \"bad-json\", \"events\": ["u8.ToArray()),
            ("bad-field", "{\"requestId\":\"bad-field\",\"events\":[{\"fields\":{\"shoe_size\":\"9\"}}]}"u8.ToArray()),
            ("no-value", []),
        };
        // A request without requestId takes its key as the id.
        var keyed = ("key-only", Encoding.UTF8.GetBytes(TestScorer.EventsJson(events.Take(1))));
        broker.Produce(TopicNames.Requests, [.. good.Take(10), .. bad, keyed, .. good.Skip(10)]);

        var scores = broker.Read(TopicNames.Scores, 21, TimeSpan.FromSeconds(60));
        Assert.Equal(21, scores.Count);
        foreach (var message in scores)
        {
            string key = Encoding.UTF8.GetString(message.Message.Key!);
            var answer = JsonSerializer.Deserialize<ScoreAnswer>(message.Message.Value!, Web)!;
            Assert.Equal(key, answer.RequestId);
            Assert.Equal(published.Version, answer.ModelVersion);
            Assert.Equal(key == "key-only" ? 1 : 2, answer.Scores.Count);
            Assert.All(answer.Scores, s => Assert.InRange(s.Ctr, 0, 1));
        }
        Assert.Equal(good.Select(g => g.Item1).Append("key-only").Order(), scores.Select(s => Encoding.UTF8.GetString(s.Message.Key!)).Order());

        var dead = broker.Read(TopicNames.RequestsDeadLetter, 3, TimeSpan.FromSeconds(30));
        Assert.Equal(3, dead.Count);
        string Header(Confluent.Kafka.ConsumeResult<byte[]?, byte[]?> m, string name) => Encoding.UTF8.GetString(m.Message.Headers.GetLastBytes(name));
        var byKey = dead.ToDictionary(m => Encoding.UTF8.GetString(m.Message.Key!));
        Assert.Equal("invalid_json", Header(byKey["bad-json"], DeadLetterHeaders.Reason));
        Assert.Equal("unknown_field", Header(byKey["bad-field"], DeadLetterHeaders.Reason));
        Assert.Contains("shoe_size", Header(byKey["bad-field"], DeadLetterHeaders.Message));
        Assert.Equal(TopicNames.Requests, Header(byKey["bad-field"], DeadLetterHeaders.SourceTopic));
        Assert.Equal("invalid_json", Header(byKey["no-value"], DeadLetterHeaders.Reason));

        string metrics = await scorer.MetricsAsync();
        Assert.Contains("flip_scorer_requests_total{endpoint=\"kafka\",code=\"200\"} 21", metrics);
        Assert.Contains("flip_scorer_dead_letters_total{reason=\"unknown_field\"} 1", metrics);
    }

    [Fact]
    public async Task An_announcement_on_flip_models_swaps_without_waiting_for_the_poll()
    {
        using var broker = new TestBroker();
        var root = TestScorer.NewRegistryRoot();
        var events = MovieLensLikeEvents.Generate(300);
        var (model, vocabulary) = TestModels.TrainDcnV2(events, epochs: 1);
        var registry = new ModelRegistry(root);
        var first = TestModels.PublishId(registry, model, vocabulary);
        await using var scorer = await TestScorer.StartAsync(root, new() { ["Scorer:PollInterval"] = "01:00:00" }, broker.Bootstrap);
        await scorer.WaitForVersionAsync(first.Version);
        // The announcement consumer starts at the newest message: wait until it is positioned.
        while (!scorer.Watcher.Listening) await Task.Delay(20);

        var next = TestModels.PublishId(registry, model, vocabulary);
        broker.Produce(TopicNames.Models, [(next.Manifest.ModelName, ModelAnnouncement.Of(next).ToJsonBytes())]);
        await scorer.WaitForVersionAsync(next.Version, TimeSpan.FromSeconds(30));
        Assert.True(scorer.Watcher.Announcements >= 1);
    }

    [Fact]
    public async Task Clicks_join_served_scores_into_live_quality_and_a_worse_version_is_rolled_back()
    {
        using var broker = new TestBroker();
        var root = TestScorer.NewRegistryRoot();
        var train = MovieLensLikeEvents.Generate(3000, seed: 1);
        var (good, vocabulary) = TestModels.TrainDcnV2(train, epochs: 4);
        var registry = new ModelRegistry(root);
        var first = TestModels.PublishId(registry, good, vocabulary);
        await using var scorer = await TestScorer.StartAsync(root, new()
        {
            ["Scorer:RollbackAfter"] = "300",
            ["Scorer:RollbackAucDrop"] = "0.05",
            ["Scorer:ClicksFromStart"] = "true",
            ["Scorer:PollInterval"] = "00:00:00.200",
        }, broker.Bootstrap);
        await scorer.WaitForVersionAsync(first.Version);

        // Live quality of the first version: score events with ids, then their clicks arrive.
        var live = MovieLensLikeEvents.Generate(400, seed: 2, idPrefix: "live-");
        await ScoreAll(scorer, live);
        broker.Produce(TopicNames.Clicks, live.Select(e => ((string?)e.Values[0], Click(e))));
        await WaitUntil(() => scorer.App.Services.GetService(typeof(Flip.Scorer.Quality.LiveQuality)) is Flip.Scorer.Quality.LiveQuality q && q.Of(first.Version).Joined >= 400);
        var quality = (Flip.Scorer.Quality.LiveQuality)scorer.App.Services.GetService(typeof(Flip.Scorer.Quality.LiveQuality))!;
        var (_, auc, logLoss, calibration) = quality.Of(first.Version);
        Assert.InRange(auc, 0.6, 1.0);
        Assert.True(double.IsFinite(logLoss) && double.IsFinite(calibration));
        await WaitUntil(async () => (await scorer.MetricsAsync()).Contains($"flip_scorer_live_auc{{version=\"{first.Version}\"}}"));

        // A version trained on inverted labels: worse live AUC than its predecessor on the same events -> rolled back.
        var (bad, badVocabulary) = TestModels.TrainDcnV2(MovieLensLikeEvents.Inverted(train), epochs: 4);
        Assert.Equal(vocabulary.Version, badVocabulary.Version);
        var worse = TestModels.PublishId(registry, bad, badVocabulary);
        await scorer.WaitForVersionAsync(worse.Version);
        var probe = MovieLensLikeEvents.Generate(400, seed: 3, idPrefix: "probe-");
        await ScoreAll(scorer, probe);
        // Let the predecessor's shadow scores land before the clicks.
        await Task.Delay(500);
        broker.Produce(TopicNames.Clicks, probe.Select(e => ((string?)e.Values[0], Click(e))));
        await scorer.WaitForVersionAsync(first.Version, TimeSpan.FromSeconds(30));
        Assert.StartsWith("rolled back", scorer.Lifecycle.Refused[worse.Version]);
        Assert.Contains("flip_scorer_rollbacks_total 1", await scorer.MetricsAsync());
        // The rolled-back version is not loaded again by the next poll.
        await Task.Delay(600);
        Assert.Equal(first.Version, scorer.Slot.Current!.Version);
    }

    private static async Task ScoreAll(TestScorer scorer, List<ClickEvent> events)
    {
        foreach (var chunk in events.Chunk(20)) await scorer.ScoreAsync(TestScorer.EventsJson(chunk));
    }

    private static byte[] Click(ClickEvent e) => new ClickEventJson(MovieLensLikeEvents.Schema).Serialize(e);

    private static async Task WaitUntil(Func<bool> condition) => await WaitUntil(() => Task.FromResult(condition()));

    private static async Task WaitUntil(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met in 60 s");
            await Task.Delay(100);
        }
    }
}
