using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;
using Flip.Trainer.Evaluation;

namespace Flip.Trainer.Experiments;

/// <summary>Test AUC of one model over the seeds.</summary>
public sealed record FlipModelSummary(string Model, double MeanTestAuc, double StdTestAuc, double MeanTestLogLoss, IReadOnlyList<double> TestAucs);

/// <summary>
/// Paired bootstrap of the test-AUC difference <c>Model - Baseline</c>, averaged over the seeds: every resample draws
/// test rows with replacement once and scores both models of every seed on those same rows.
/// </summary>
public sealed record FlipAucDifference(string Model, string Baseline, double MeanDifference, double Low, double High, int Resamples);

/// <summary>What <see cref="FlipSeedStudy.Run"/> measured: every seed's experiment, per-model summaries and the intervals.</summary>
public sealed record FlipSeedStudyResult(IReadOnlyList<int> Seeds, IReadOnlyList<FlipExperimentResult> Runs, IReadOnlyList<FlipModelSummary> Models,
    IReadOnlyList<FlipAucDifference> Differences);

/// <summary>
/// <see cref="FlipExperiment"/> once per seed on the same events and split (the seed sets the ID model's, FLIP's
/// pretraining and finetuning initialisation, dropout, shuffling, masking and noise), then mean and spread of each
/// row's test AUC and paired-bootstrap 95% intervals of each FLIP row minus the from-scratch baseline.
/// </summary>
public static class FlipSeedStudy
{
    public static FlipSeedStudyResult Run(DatasetSchema schema, IReadOnlyList<ClickEvent> events, FlipExperimentOptions options, IReadOnlyList<int> seeds,
        int resamples = 1000, FlipRunObserver? observer = null, CancellationToken cancellation = default)
    {
        if (seeds.Count == 0) throw new ArgumentException("at least one seed is needed", nameof(seeds));
        var runs = new List<FlipExperimentResult>();
        foreach (var seed in seeds)
        {
            observer?.Log?.Invoke($"seed {seed} ({runs.Count + 1} of {seeds.Count})");
            runs.Add(FlipExperiment.Run(schema, events, WithSeed(options, seed), observer, cancellation));
        }
        var names = runs[0].Rows.Select(r => r.Model).ToList();
        var models = names.Select((name, i) =>
        {
            var aucs = runs.Select(r => r.Rows[i].TestAuc).ToList();
            var mean = aucs.Average();
            var std = aucs.Count > 1 ? Math.Sqrt(aucs.Sum(a => (a - mean) * (a - mean)) / (aucs.Count - 1)) : 0;
            return new FlipModelSummary(name, mean, std, runs.Average(r => r.Rows[i].TestLogLoss), aucs);
        }).ToList();
        var differences = Enumerable.Range(1, names.Count - 1)
            .Select(i => PairedBootstrap(runs, i, 0, resamples))
            .ToList();
        return new FlipSeedStudyResult(seeds, runs, models, differences);
    }

    /// <summary>Percentile interval (2.5%, 97.5%) of mean over seeds of AUC(row) - AUC(baseline row) on resampled test rows.</summary>
    public static FlipAucDifference PairedBootstrap(IReadOnlyList<FlipExperimentResult> runs, int row, int baseline, int resamples, int seed = 20240614)
    {
        var labels = runs[0].TestLabels;
        if (runs.Any(r => !r.TestLabels.AsSpan().SequenceEqual(labels)))
            throw new InvalidOperationException("paired bootstrap needs the same test rows in every run");
        double Statistic(int[] idx)
        {
            var y = idx.Select(i => labels[i]).ToArray();
            return runs.Average(r =>
                BinaryMetrics.RocAuc(idx.Select(i => r.Rows[row].TestScores[i]).ToArray(), y)
                - BinaryMetrics.RocAuc(idx.Select(i => r.Rows[baseline].TestScores[i]).ToArray(), y));
        }
        var all = Enumerable.Range(0, labels.Length).ToArray();
        var observed = Statistic(all);
        var random = new Random(seed);
        var stats = new List<double>(resamples);
        while (stats.Count < resamples)
        {
            var idx = new int[labels.Length];
            for (var i = 0; i < idx.Length; i++) idx[i] = random.Next(labels.Length);
            var positives = idx.Count(i => labels[i] > 0.5f);
            if (positives == 0 || positives == idx.Length) continue; // AUC undefined on a one-class resample
            stats.Add(Statistic(idx));
        }
        stats.Sort();
        return new FlipAucDifference(runs[0].Rows[row].Model, runs[0].Rows[baseline].Model, observed,
            stats[(int)Math.Floor(0.025 * (resamples - 1))], stats[(int)Math.Ceiling(0.975 * (resamples - 1))], resamples);
    }

    static FlipExperimentOptions WithSeed(FlipExperimentOptions o, int seed)
    {
        var id = OptionsCopy.Of(o.IdTraining);
        id.Seed = seed;
        var pretraining = OptionsCopy.Of(o.Pretraining);
        pretraining.Seed = seed;
        var finetuning = OptionsCopy.Of(o.Finetuning);
        finetuning.Seed = seed;
        return new FlipExperimentOptions
        {
            Plm = o.Plm, IdModel = o.IdModel, IdModelOptions = o.IdModelOptions, IdTraining = id, Pretraining = pretraining, Finetuning = finetuning,
            MaxLength = o.MaxLength,
        };
    }
}
