using System.Net;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;
using Flip.FeatureStore.Store;
using Flip.Registry;
using Flip.Trainer.Checkpoints;

namespace Flip.Scorer.Tests.Models;

public sealed class ModelSchemasTests
{
    private static readonly DatasetSchema Toy = new("toy-clicks", [new FieldSchema("shop", "shop"), new FieldSchema("product", "product"), new FieldSchema("hour", "hour", FieldKind.Numeric)], new LabelRule(0.5));

    [Fact]
    public async Task A_version_carrying_the_stores_schema_json_is_served_with_that_schema()
    {
        var rng = new Random(4);
        var events = Enumerable.Range(0, 300).Select(i => new ClickEvent($"t{i}", DateTime.UnixEpoch.AddMinutes(i),
            [$"s{rng.Next(5)}", $"p{rng.Next(20)}", $"{rng.Next(24)}"], (byte)rng.Next(2))).ToList();
        var (model, vocabulary) = TestModels.TrainDcnV2(events, epochs: 1, schema: Toy);
        var root = TestScorer.NewRegistryRoot();
        var published = new ModelRegistry(root).Publish(TestModels.Manifest("dcnv2", vocabulary), staging =>
        {
            IdCheckpoint.Save(staging, model, vocabulary);
            StoreSchemaFile.Write(Path.Combine(staging, "schema.json"), Toy, fsync: false);
        });
        await using var scorer = await TestScorer.StartAsync(root);
        await scorer.WaitForVersionAsync(published.Version);

        var answer = await scorer.ScoreAsync("""{"id":"x","fields":{"shop":"s1","product":"p3","hour":"7"}}""");
        Assert.Equal(published.Version, answer.ModelVersion);
        using var wrong = await scorer.PostAsync("""{"fields":{"shop":"s1","product":"p3","hour":"7","user_id":"1"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("toy-clicks", await wrong.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_version_reading_other_fields_than_the_serving_one_is_refused_as_incompatible()
    {
        var root = TestScorer.NewRegistryRoot();
        var registry = new ModelRegistry(root);
        var events = MovieLensLikeEvents.Generate(300);
        var (model, vocabulary) = TestModels.TrainDcnV2(events, epochs: 1);
        var first = TestModels.PublishId(registry, model, vocabulary);
        await using var scorer = await TestScorer.StartAsync(root);
        await scorer.WaitForVersionAsync(first.Version);

        var rng = new Random(4);
        var toyEvents = Enumerable.Range(0, 200).Select(i => new ClickEvent($"t{i}", DateTime.UnixEpoch, [$"s{rng.Next(5)}", $"p{rng.Next(20)}", "1"], (byte)rng.Next(2))).ToList();
        var (toy, toyVocabulary) = TestModels.TrainDcnV2(toyEvents, epochs: 1, schema: Toy);
        var other = registry.Publish(TestModels.Manifest("dcnv2", toyVocabulary), staging =>
        {
            IdCheckpoint.Save(staging, toy, toyVocabulary);
            StoreSchemaFile.Write(Path.Combine(staging, "schema.json"), Toy, fsync: false);
        });
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!scorer.Lifecycle.Refused.ContainsKey(other.Version) && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.StartsWith("incompatible", scorer.Lifecycle.Refused[other.Version]);
        Assert.Equal(first.Version, scorer.Slot.Current!.Version);
    }
}
