using System.Net;
using System.Text.Json;

namespace Flip.Scorer.Tests.Http;

public sealed class ScoreEndpointTests
{
    [Fact]
    public async Task Serves_the_published_model_over_http_in_every_request_shape()
    {
        var root = TestScorer.NewRegistryRoot();
        var events = MovieLensLikeEvents.Generate(600);
        var (model, vocabulary) = TestModels.TrainDcnV2(events);
        await using var scorer = await TestScorer.StartAsync(root);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await scorer.Http.GetAsync("/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await scorer.Http.GetAsync("/healthz")).StatusCode);
        var published = TestModels.PublishId(scorer.Registry, model, vocabulary);
        await scorer.WaitForVersionAsync(published.Version);
        Assert.Equal(HttpStatusCode.OK, (await scorer.Http.GetAsync("/readyz")).StatusCode);

        var single = await scorer.ScoreAsync(TestScorer.EventJson(events[0]));
        Assert.Equal(published.Version, single.ModelVersion);
        Assert.Equal("dcnv2", single.ModelKind);
        Assert.Equal(events[0].Id, Assert.Single(single.Scores).Id);
        Assert.InRange(single.Scores[0].Ctr, 0, 1);

        var array = await scorer.ScoreAsync(TestScorer.EventsJson(events.Take(5)));
        Assert.Equal(events.Take(5).Select(e => e.Id), array.Scores.Select(s => s.Id));
        Assert.Equal(single.Scores[0].Ctr, array.Scores[0].Ctr, 6);

        var request = await scorer.ScoreAsync($$"""{"requestId":"r-1","events":{{TestScorer.EventsJson(events.Skip(5).Take(2))}}}""");
        Assert.Equal("r-1", request.RequestId);
        Assert.Equal(2, request.Scores.Count);

        var anonymous = await scorer.ScoreAsync(TestScorer.EventJson(events[1], withId: false));
        Assert.Null(Assert.Single(anonymous.Scores).Id);

        using var manifest = JsonDocument.Parse(await scorer.Http.GetStringAsync("/v1/model"));
        Assert.Equal(published.Version, manifest.RootElement.GetProperty("version").GetString());
        Assert.Equal("dcnv2", manifest.RootElement.GetProperty("kind").GetString());

        string metrics = await scorer.MetricsAsync();
        Assert.Contains("flip_scorer_requests_total{endpoint=\"/v1/score\",code=\"200\"}", metrics);
        Assert.Contains($"flip_scorer_model_version {long.Parse(published.Version)}", metrics);
        Assert.Contains("flip_scorer_request_duration_seconds_bucket", metrics);
    }

    [Fact]
    public async Task An_unseen_feature_value_scores_as_its_fields_unknown_id()
    {
        var root = TestScorer.NewRegistryRoot();
        var events = MovieLensLikeEvents.Generate(400);
        var (model, vocabulary) = TestModels.TrainDcnV2(events, epochs: 1);
        var published = TestModels.PublishId(new Flip.Registry.ModelRegistry(root), model, vocabulary);
        await using var scorer = await TestScorer.StartAsync(root);
        await scorer.WaitForVersionAsync(published.Version);

        var unseen = events[0] with { Values = events[0].Values.Select((v, i) => i == 0 ? "never-seen-user" : v).ToArray() };
        var asUnknown = events[0] with { Values = events[0].Values.Select((v, i) => i == 0 ? "another-unseen-user" : v).ToArray() };
        var a = await scorer.ScoreAsync(TestScorer.EventJson(unseen));
        var b = await scorer.ScoreAsync(TestScorer.EventJson(asUnknown));
        Assert.Equal(a.Scores[0].Ctr, b.Scores[0].Ctr, 12);
    }
}
