using System.Net;

namespace Flip.Scorer.Tests.Lifecycle;

public sealed class CorruptVersionTests
{
    [Fact]
    public async Task A_version_with_one_flipped_byte_is_refused_while_the_previous_keeps_serving_and_readyz_stays_ready()
    {
        var root = TestScorer.NewRegistryRoot();
        var events = MovieLensLikeEvents.Generate(400);
        var (model, vocabulary) = TestModels.TrainDcnV2(events, epochs: 1);
        var registry = new Flip.Registry.ModelRegistry(root);
        var good = TestModels.PublishId(registry, model, vocabulary);
        // A long poll interval: the test decides when the scorer looks, after the byte is flipped.
        await using var scorer = await TestScorer.StartAsync(root, new() { ["Scorer:PollInterval"] = "01:00:00" });
        await scorer.WaitForVersionAsync(good.Version);

        var bad = TestModels.PublishId(registry, model, vocabulary);
        var weights = Path.Combine(bad.Directory, Flip.Trainer.Checkpoints.ModelWeightsFile.FileName);
        var bytes = File.ReadAllBytes(weights);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(weights, bytes);
        scorer.Watcher.Wake();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!scorer.Lifecycle.Refused.ContainsKey(bad.Version) && DateTime.UtcNow < deadline) await Task.Delay(20);
        var reason = Assert.Contains(bad.Version, scorer.Lifecycle.Refused);
        Assert.StartsWith("corrupt", reason);
        Assert.Contains(Path.GetFileName(weights), reason);

        Assert.Equal(good.Version, scorer.Slot.Current!.Version);
        Assert.Equal(HttpStatusCode.OK, (await scorer.Http.GetAsync("/readyz")).StatusCode);
        var answer = await scorer.ScoreAsync(TestScorer.EventJson(events[0]));
        Assert.Equal(good.Version, answer.ModelVersion);
        Assert.Contains("flip_scorer_model_load_failures_total{reason=\"corrupt\"} 1", await scorer.MetricsAsync());

        // A good version published after the bad one is served.
        var next = TestModels.PublishId(registry, model, vocabulary);
        scorer.Watcher.Wake();
        await scorer.WaitForVersionAsync(next.Version);
    }
}
