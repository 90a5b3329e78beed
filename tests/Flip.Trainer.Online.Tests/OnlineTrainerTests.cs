using System.Globalization;
using Flip.Registry;
using Flip.Trainer.Checkpoints;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;

namespace Flip.Trainer.Online.Tests;

public sealed class OnlineTrainerTests
{
    internal static TrainerOptions SmallOptions(string registry) => new()
    {
        Dataset = "synthetic",
        Model = "dcnv2",
        Window = "01:00:00",
        AllowedLateness = TimeSpan.Zero,
        InitialRows = 64,
        Threads = 1,
        BatchSize = 64,
        PublishInterval = TimeSpan.Zero,
        PublishEveryWindows = 3,
        Drain = true,
        Announce = false,
        MetricsPort = 0,
        Fsync = false,
        PollInterval = TimeSpan.FromMilliseconds(50),
        StateDirectory = Path.Combine(registry, "trainer-state"),
        IdModel = new Flip.Trainer.IdModels.IdModelOptions { EmbeddingSize = 8, HiddenUnits = [16] },
    };

    private static async Task<(OnlineTrainer Trainer, ModelRegistry Registry, CollectorRegistry Metrics)> Run(TrainerOptions options, Flip.FeatureStore.Store.ParquetEventStore store, string registryRoot)
    {
        var registry = new ModelRegistry(new RegistryOptions { Root = registryRoot, Fsync = false, Keep = 50 });
        var metrics = Prometheus.Metrics.NewCustomRegistry();
        var trainer = new OnlineTrainer(options, store, registry, new TrainerMetrics(Prometheus.Metrics.WithCustomRegistry(metrics)), null, NullLogger.Instance);
        await trainer.RunAsync(CancellationToken.None);
        return (trainer, registry, metrics);
    }

    [Fact]
    public async Task Draining_a_store_logs_every_window_once_in_order_and_publishes_verified_loadable_versions()
    {
        var root = TestStores.TempDirectory("drain");
        var store = TestStores.Open(Path.Combine(root, "store"));
        store.Append(TestStores.Events(600, TimeSpan.FromMinutes(1)), "p0-0-599"); // 10 hours
        var options = SmallOptions(Path.Combine(root, "registry"));
        var (trainer, registry, metrics) = await Run(options, store, Path.Combine(root, "registry"));
        using var _ = trainer;

        var log = registry.Evaluation.ReadAll();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), log.Select(e => e.Window));
        Assert.All(log, e => Assert.Equal(60, e.Count));
        Assert.Equal(log.Select(e => e.From).Order(), log.Select(e => e.From));
        Assert.True(log.Skip(5).Average(e => e.Auc!.Value) > 0.7, "the model learns the rule online");

        var versions = registry.ListVersions();
        Assert.True(versions.Count >= 3);
        foreach (var version in versions)
        {
            var model = registry.Open(version); // verifies every sha256
            Assert.Equal("dcnv2", model.Manifest.Kind);
            Assert.Equal("synthetic", model.Manifest.Dataset);
            using var loaded = IdCheckpoint.Load(model.Directory, TestStores.Schema).Model;
            Assert.Equal(model.Manifest.VocabularyVersion, loaded.NumFeatures);
        }
        var latest = registry.Open(registry.LatestVersion!);
        Assert.Equal(10, latest.Manifest.WindowCursor);
        Assert.Equal(TestStores.Start.AddMinutes(599), latest.Manifest.DataWatermarkUtc);
        Assert.Equal(versions[^2], latest.Manifest.ParentVersion);
        Assert.Equal(["000001", "000002", "000003"], log.Where(e => e.Version is not null).Select(e => e.Version!)); // after windows 2, 5, 8; the drain publishes 000004
        Assert.DoesNotContain(Directory.EnumerateFiles(latest.Directory, "*", SearchOption.AllDirectories), f => f.Contains("optimizer"));

        string text = await Flip.Hosting.FlipMetrics.ExportAsync(metrics);
        Assert.Contains("flip_trainer_windows_total 10", text);
        Assert.Contains("flip_trainer_samples_total 600", text);
        Assert.Contains($"flip_trainer_model_version {int.Parse(latest.Version, CultureInfo.InvariantCulture)}", text);
        Assert.Contains("flip_trainer_publishes_total{outcome=\"failed\"} 0", text);
        Assert.Contains("flip_trainer_pretrain_runs_total 0", text);
        Assert.Contains("flip_trainer_embedding_rows{state=\"capacity\"}", text);
    }

    [Fact]
    public async Task Test_then_train_with_a_label_delay_scores_windows_with_a_model_that_has_not_seen_their_labels()
    {
        // Every event has the same features: a model gives them all one logit, which changes only when it trains (or,
        // after window 0, when the values were admitted to their own rows). Window 1 is scored after the admission.
        foreach (var (delay, sameAsWindow1) in new[] { (TimeSpan.Zero, 1), (TimeSpan.FromHours(2), 2) })
        {
            var root = TestStores.TempDirectory("delay");
            var store = TestStores.Open(Path.Combine(root, "store"));
            var events = TestStores.Events(360, TimeSpan.FromMinutes(1)).Select(e => e with { Values = ["u", "i", "c"] }).ToList();
            store.Append(events, "p0-0-359"); // 6 hours
            var options = SmallOptions(Path.Combine(root, "registry"));
            options.LabelDelay = delay;
            options.PredictionsFile = Path.Combine(root, "predictions.csv");
            var (trainer, registry, _) = await Run(options, store, Path.Combine(root, "registry"));
            trainer.Dispose();

            var byWindow = File.ReadLines(options.PredictionsFile).Skip(1).Select(l => l.Split(','))
                .GroupBy(p => long.Parse(p[0], CultureInfo.InvariantCulture)).OrderBy(g => g.Key)
                .Select(g => g.Select(p => p[3]).Distinct().ToList()).ToList();
            Assert.Equal(6, byWindow.Count);
            Assert.All(byWindow, w => Assert.Single(w)); // within a window: one model
            var window1 = byWindow[1][0];
            Assert.Equal(sameAsWindow1, byWindow.Skip(1).TakeWhile(w => w[0] == window1).Count());
            Assert.Equal(Enumerable.Range(0, 6).Select(i => (long)i), registry.Evaluation.ReadAll().Select(e => e.Window));
        }
    }

    [Fact]
    public async Task A_restart_resumes_from_the_snapshot_without_training_a_window_twice()
    {
        var root = TestStores.TempDirectory("resume");
        var store = TestStores.Open(Path.Combine(root, "store"));
        store.Append(TestStores.Events(300, TimeSpan.FromMinutes(1)), "p0-0-299"); // hours 0-4
        var options = SmallOptions(Path.Combine(root, "registry"));
        var (first, registry, _) = await Run(options, store, Path.Combine(root, "registry"));
        first.Dispose();
        Assert.Equal(5, registry.Evaluation.ReadAll().Count);

        store.Append(TestStores.Events(180, TimeSpan.FromMinutes(1), seed: 2, offset: TimeSpan.FromHours(5), prefix: "f"), "p0-300-479");
        var (second, _, _) = await Run(options, store, Path.Combine(root, "registry"));
        second.Dispose();
        var log = registry.Evaluation.ReadAll();
        Assert.Equal(Enumerable.Range(0, 8).Select(i => (long)i), log.Select(e => e.Window));
        Assert.Equal(TestStores.Start.AddHours(5), log[5].From);
    }

    [Fact]
    public async Task A_state_of_another_model_kind_is_refused_naming_both()
    {
        var root = TestStores.TempDirectory("other-kind");
        var store = TestStores.Open(Path.Combine(root, "store"));
        store.Append(TestStores.Events(120, TimeSpan.FromMinutes(1)), "p0-0-119");
        var options = SmallOptions(Path.Combine(root, "registry"));
        (await Run(options, store, Path.Combine(root, "registry"))).Trainer.Dispose();
        options.Model = "deepfm";
        var error = await Assert.ThrowsAsync<TrainerConfigurationException>(() => Run(options, store, Path.Combine(root, "registry")));
        Assert.Contains("dcnv2", error.Message);
        Assert.Contains("deepfm", error.Message);
    }
}
