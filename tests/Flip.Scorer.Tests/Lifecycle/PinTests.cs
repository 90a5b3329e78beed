using Flip.Registry;

namespace Flip.Scorer.Tests.Lifecycle;

public sealed class PinTests
{
    [Fact]
    public async Task PinVersion_and_the_registrys_PINNED_serve_an_older_version_and_unpinning_returns_to_latest()
    {
        var root = TestScorer.NewRegistryRoot();
        var registry = new ModelRegistry(root);
        var events = MovieLensLikeEvents.Generate(300);
        var (model, vocabulary) = TestModels.TrainDcnV2(events, epochs: 1);
        var v1 = TestModels.PublishId(registry, model, vocabulary);
        var v2 = TestModels.PublishId(registry, model, vocabulary);

        await using (var pinned = await TestScorer.StartAsync(root, new() { ["Scorer:PinVersion"] = v1.Version }))
        {
            await pinned.WaitForVersionAsync(v1.Version);
            await Task.Delay(500);
            Assert.Equal(v1.Version, (await pinned.ScoreAsync(TestScorer.EventJson(events[0]))).ModelVersion);
        }

        root = TestScorer.NewRegistryRoot();
        registry = new ModelRegistry(root);
        v1 = TestModels.PublishId(registry, model, vocabulary);
        v2 = TestModels.PublishId(registry, model, vocabulary);
        await using var scorer = await TestScorer.StartAsync(root);
        await scorer.WaitForVersionAsync(v2.Version);
        registry.Pin(v1.Version);
        await scorer.WaitForVersionAsync(v1.Version);
        registry.Unpin();
        await scorer.WaitForVersionAsync(v2.Version);
    }
}
