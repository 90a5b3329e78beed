using System.Globalization;
using Flip.Registry;
using Flip.Scorer;
using Flip.Scorer.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;

namespace Flip.Trainer.Online.Tests;

/// <summary>
/// The FLIP kinds online, with real TorchSharp and a small random PLM (bert-tiny cut to one layer, short texts): windows
/// trained prequentially, versions published in the FLIP checkpoint layout that the scorer library loads and scores,
/// periodic pretraining, and resume after a restart.
/// </summary>
public sealed class FlipOnlineTrainerTests
{
    internal static TrainerOptions FlipOptions(string registry, string kind)
    {
        var options = OnlineTrainerTests.SmallOptions(registry);
        options.Model = kind;
        options.PlmShape = "bert-tiny";
        options.PlmLayers = 1;
        options.PlmVocabPath = RepoPaths.BertVocab;
        options.MaxLength = 24;
        options.Device = "cpu";
        options.BatchSize = 32;
        options.LearningRate = 3e-3;
        options.PlmLearningRate = 1e-3;
        options.PretrainBatchSize = 32;
        options.PretrainLearningRate = 1e-3;
        return options;
    }

    private static async Task<(OnlineTrainer Trainer, ModelRegistry Registry, string Metrics)> Run(TrainerOptions options, Flip.FeatureStore.Store.ParquetEventStore store, string registryRoot)
    {
        var registry = new ModelRegistry(new RegistryOptions { Root = registryRoot, Fsync = false, Keep = 50 });
        var metrics = Prometheus.Metrics.NewCustomRegistry();
        var trainer = new OnlineTrainer(options, store, registry, new TrainerMetrics(Prometheus.Metrics.WithCustomRegistry(metrics)), null, NullLogger.Instance);
        await trainer.RunAsync(CancellationToken.None);
        return (trainer, registry, await Flip.Hosting.FlipMetrics.ExportAsync(metrics));
    }

    [Theory]
    [InlineData(ModelKinds.Flip)]
    [InlineData(ModelKinds.FlipId)]
    [InlineData(ModelKinds.FlipPlm)]
    public async Task A_flip_kind_trains_every_window_once_and_publishes_versions_the_scorer_loads_and_scores(string kind)
    {
        var root = TestStores.TempDirectory("flip-" + kind);
        var store = TestStores.Open(Path.Combine(root, "store"));
        store.Append(TestStores.Events(480, TimeSpan.FromMinutes(1)), "p0-0-479"); // 8 hours
        var options = FlipOptions(Path.Combine(root, "registry"), kind);
        var (trainer, registry, metrics) = await Run(options, store, Path.Combine(root, "registry"));
        using var _ = trainer;

        var log = registry.Evaluation.ReadAll();
        Assert.Equal(Enumerable.Range(0, 8).Select(i => (long)i), log.Select(e => e.Window));
        Assert.All(log, e => Assert.Equal(kind, e.Kind));
        Assert.All(log, e => Assert.True(double.IsFinite(e.Logloss)));
        if (kind != ModelKinds.FlipPlm) Assert.True(log.Skip(4).Average(e => e.Auc!.Value) > 0.7, "the ID side learns the rule online");

        var versions = registry.ListVersions();
        Assert.True(versions.Count >= 2);
        var loader = new ModelLoader(registry, new ScorerOptions { MaxBatchSize = 16 });
        var events = TestStores.Events(16, TimeSpan.FromMinutes(1), seed: 9);
        foreach (var version in versions)
        {
            using var served = loader.Load(version).Model; // verifies every sha256, loads the FLIP layout, warms up
            Assert.Equal(kind, registry.Open(version).Manifest.Kind);
            var ctr = new double[events.Count];
            served.Score(events, ctr);
            Assert.All(ctr, p => Assert.InRange(p, 0, 1));
        }
        var latest = registry.Open(registry.LatestVersion!);
        Assert.True(File.Exists(Path.Combine(latest.Directory, "plm", "vocab.txt")), "the tokenizer's vocabulary travels with the version");
        Assert.Equal(1, latest.Manifest.Plm!.Layers);
        Assert.Equal(8, latest.Manifest.WindowCursor);

        // The scorer's CTR of the latest version equals the trainer's own prediction (same weights, same text, same rows).
        using (var served = loader.Load(latest.Version).Model)
        {
            var ctr = new double[events.Count];
            served.Score(events, ctr);
            var own = trainer.Learner!.Score(events).Select(l => 1 / (1 + Math.Exp(-l))).ToArray();
            for (int i = 0; i < ctr.Length; i++) Assert.Equal(own[i], ctr[i], 4);
        }

        var a = trainer.Learner!.MixingWeight;
        Assert.Equal(kind == ModelKinds.Flip, a is not null);
        if (a is { } alpha)
        {
            Assert.NotEqual(0.5, alpha, 6); // a is learned
            Assert.Contains($"flip_trainer_flip_a {alpha.ToString(CultureInfo.InvariantCulture)[..5]}", metrics);
            Assert.Equal(alpha, latest.Manifest.Metrics["flipA"], 6);
        }
    }

    [Fact]
    public async Task Periodic_pretraining_re_aligns_the_model_and_its_schedule_survives_a_restart()
    {
        var root = TestStores.TempDirectory("flip-pretrain");
        var store = TestStores.Open(Path.Combine(root, "store"));
        store.Append(TestStores.Events(300, TimeSpan.FromMinutes(1)), "p0-0-299"); // hours 0-4
        var options = FlipOptions(Path.Combine(root, "registry"), ModelKinds.FlipId);
        options.PublishEveryWindows = 1;
        options.PretrainEvery = "120"; // every 2 windows of 60 events
        options.PretrainWindow = 100;
        var (first, registry, metrics) = await Run(options, store, Path.Combine(root, "registry"));
        Assert.Contains("flip_trainer_pretrain_runs_total 2", metrics);
        Assert.Contains("flip_trainer_pretrain_duration_seconds_count 2", metrics);
        Assert.Equal(2, ((FlipOnlineLearner)first.Learner!).PretrainRuns);
        first.Dispose();

        // One version per window; FLIP_ID finetuning leaves the PLM alone, so it changes exactly where pretraining ran (windows 1 and 3).
        var log = registry.Evaluation.ReadAll();
        Assert.Equal([0L, 1, 2, 3, 4], log.Where(e => e.Version is not null).Select(e => e.Window));
        var plm = registry.ListVersions().Select(v => registry.Open(v).Manifest.Files["plm/model.safetensors"]).ToList();
        Assert.Equal(5, plm.Count);
        Assert.NotEqual(plm[0], plm[1]);
        Assert.Equal(plm[1], plm[2]);
        Assert.NotEqual(plm[2], plm[3]);
        Assert.Equal(plm[3], plm[4]);

        // Restart: 60 events since the last run are in the snapshot, so the next run comes after one more window (5), then 7.
        store.Append(TestStores.Events(180, TimeSpan.FromMinutes(1), seed: 2, offset: TimeSpan.FromHours(5), prefix: "f"), "p0-300-479");
        var (second, _, metrics2) = await Run(options, store, Path.Combine(root, "registry"));
        using var _ = second;
        Assert.Contains("flip_trainer_pretrain_runs_total 2", metrics2);
        Assert.Equal(4, ((FlipOnlineLearner)second.Learner!).PretrainRuns);
        log = registry.Evaluation.ReadAll();
        Assert.Equal(Enumerable.Range(0, 8).Select(i => (long)i), log.Select(e => e.Window));
        plm = log.Skip(4).Select(e => registry.Open(e.Version!).Manifest.Files["plm/model.safetensors"]).ToList(); // windows 4-7
        Assert.NotEqual(plm[0], plm[1]); // pretrained at window 5: 60 events in the snapshot + 60
        Assert.Equal(plm[1], plm[2]);
        Assert.NotEqual(plm[2], plm[3]); // and at window 7
    }

    [Fact]
    public async Task A_flip_model_resumes_after_a_restart_with_its_weights_rows_and_head()
    {
        var root = TestStores.TempDirectory("flip-resume");
        var store = TestStores.Open(Path.Combine(root, "store"));
        store.Append(TestStores.Events(300, TimeSpan.FromMinutes(1)), "p0-0-299");
        var options = FlipOptions(Path.Combine(root, "registry"), ModelKinds.Flip);
        options.InitialRows = 16; // the 53 values force growth
        var probe = TestStores.Events(20, TimeSpan.FromMinutes(1), seed: 5);
        var (first, registry, _) = await Run(options, store, Path.Combine(root, "registry"));
        var before = first.Learner!.Score(probe);
        var alpha = first.Learner.MixingWeight;
        Assert.True(first.Learner.Rows.Capacity > 16, "the id space grew");
        first.Dispose();

        // A restart with nothing new: the same model comes back (weights, rows, CTR head and a).
        var (again, _, _) = await Run(options, store, Path.Combine(root, "registry"));
        Assert.Equal(before, again.Learner!.Score(probe));
        Assert.Equal(alpha, again.Learner.MixingWeight);
        again.Dispose();

        store.Append(TestStores.Events(180, TimeSpan.FromMinutes(1), seed: 2, offset: TimeSpan.FromHours(5), prefix: "f"), "p0-300-479");
        var (second, _, _) = await Run(options, store, Path.Combine(root, "registry"));
        using var _ = second;
        var log = registry.Evaluation.ReadAll();
        Assert.Equal(Enumerable.Range(0, 8).Select(i => (long)i), log.Select(e => e.Window));
        Assert.Equal(TestStores.Start.AddHours(5), log[5].From);
    }

    [Fact]
    public void Periodic_pretraining_of_an_id_zoo_kind_or_a_bad_schedule_is_refused_naming_the_setting()
    {
        var options = OnlineTrainerTests.SmallOptions(TestStores.TempDirectory("refused"));
        options.PretrainEvery = "50000";
        Assert.Contains("Trainer:PretrainEvery", Assert.Throws<TrainerConfigurationException>(options.Validate).Message);
        options.Model = ModelKinds.Flip;
        options.Validate();
        options.PretrainEvery = "often";
        Assert.Contains("Trainer:PretrainEvery 'often'", Assert.Throws<TrainerConfigurationException>(options.Validate).Message);
    }
}
