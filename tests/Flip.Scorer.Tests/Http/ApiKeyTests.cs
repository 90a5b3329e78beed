using System.Net;

namespace Flip.Scorer.Tests.Http;

public sealed class ApiKeyTests
{
    [Fact]
    public async Task With_api_keys_set_v1_requires_a_valid_key_and_probes_stay_open()
    {
        var root = TestScorer.NewRegistryRoot();
        var events = MovieLensLikeEvents.Generate(300);
        var (model, vocabulary) = TestModels.TrainDcnV2(events, epochs: 1);
        var published = TestModels.PublishId(new Flip.Registry.ModelRegistry(root), model, vocabulary);
        await using var scorer = await TestScorer.StartAsync(root, new() { ["Scorer:ApiKeys:0"] = "first-secret", ["Scorer:ApiKeys:1"] = "second-secret" });
        await scorer.WaitForVersionAsync(published.Version);

        Assert.Equal(HttpStatusCode.Unauthorized, (await scorer.PostAsync(TestScorer.EventJson(events[0]))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await scorer.Http.GetAsync("/v1/model")).StatusCode);
        scorer.Http.DefaultRequestHeaders.Add("X-Api-Key", "wrong");
        var refused = await scorer.PostAsync(TestScorer.EventJson(events[0]));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.DoesNotContain("secret", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await scorer.Http.GetAsync("/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await scorer.Http.GetAsync("/metrics")).StatusCode);

        scorer.Http.DefaultRequestHeaders.Remove("X-Api-Key");
        scorer.Http.DefaultRequestHeaders.Add("X-Api-Key", "second-secret");
        Assert.Equal(published.Version, (await scorer.ScoreAsync(TestScorer.EventJson(events[0]))).ModelVersion);
        Assert.Contains("flip_scorer_requests_total{endpoint=\"/v1/score\",code=\"401\"} 2", await scorer.MetricsAsync());
    }
}
