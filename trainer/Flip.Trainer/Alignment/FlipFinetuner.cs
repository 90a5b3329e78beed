using Flip.FeatureStore.Text;
using Flip.Trainer.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace Flip.Trainer.Alignment;

/// <summary>Result of a finetuning run: per-epoch training loss, the learned a, and validation metrics when given.</summary>
public sealed record FlipFinetuneReport(FlipFinetuneMode Mode, int Steps, double Seconds, IReadOnlyList<double> EpochLosses, double Alpha, double? ValidationAuc, double? ValidationLogLoss);

/// <summary>Finetunes a <see cref="FlipFinetuneModel"/> for CTR with AdamW and cosine decay, and predicts click probabilities.</summary>
public sealed class FlipFinetuner(FlipFinetuneModel model, FlipFinetuningOptions options)
{
    public FlipFinetuneReport Train(IReadOnlyList<TextTabularPair> train, IReadOnlyList<TextTabularPair>? validation = null,
        Action<int, int, double>? progress = null, CancellationToken cancellation = default)
    {
        var device = TrainingDevice.Resolve(options.Device);
        model.to(device);
        var random = new Random(options.Seed);
        var stepsPerEpoch = (train.Count + options.BatchSize - 1) / options.BatchSize;
        var totalSteps = Math.Max(1, stepsPerEpoch * options.Epochs);
        var parameters = model.parameters().ToArray();
        using var optimizer = optim.AdamW(parameters, lr: options.LearningRate, weight_decay: options.WeightDecay);
        var schedule = optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max: totalSteps, eta_min: 0);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var losses = new List<double>();
        var step = 0;
        model.train();
        for (var epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var order = Enumerable.Range(0, train.Count).ToArray();
            random.Shuffle(order);
            double sum = 0;
            var batches = 0;
            for (var start = 0; start < order.Length; start += options.BatchSize)
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                using var batch = FlipBatch.Create(order.Skip(start).Take(options.BatchSize).Select(i => train[i]).ToArray(), device);
                using var prediction = model.call(batch);
                using var loss = model.Loss(prediction, batch.Labels);
                optimizer.zero_grad();
                loss.backward();
                model.Text.CollectGradients();
                optimizer.step();
                schedule.step();
                model.Text.MarkStale();
                var value = loss.item<float>();
                sum += value;
                batches++;
                step++;
                progress?.Invoke(epoch, step, value);
            }
            losses.Add(sum / Math.Max(batches, 1));
        }
        model.eval();
        double? auc = null, logLoss = null;
        if (validation is { Count: > 0 })
        {
            var p = Predict(validation);
            var labels = validation.Select(v => (float)v.Label).ToArray();
            if (labels.Distinct().Count() == 2) auc = BinaryMetrics.RocAuc(p, labels);
            logLoss = BinaryMetrics.LogLoss(p, labels);
        }
        return new FlipFinetuneReport(options.Mode, step, watch.Elapsed.TotalSeconds, losses, model.Alpha, auc, logLoss);
    }

    /// <summary>Click probabilities σ(final logit), in input order.</summary>
    public float[] Predict(IReadOnlyList<TextTabularPair> pairs)
    {
        var device = model.Plm.parameters().First().device;
        var wasTraining = model.training;
        model.eval();
        var result = new List<float>(pairs.Count);
        using (no_grad())
            for (var start = 0; start < pairs.Count; start += options.BatchSize)
            {
                using var scope = NewDisposeScope();
                using var batch = FlipBatch.Create(pairs.Skip(start).Take(options.BatchSize).ToArray(), device);
                using var prediction = model.call(batch);
                result.AddRange(prediction.Logit.sigmoid().cpu().data<float>().ToArray());
            }
        model.train(wasTraining);
        return result.ToArray();
    }
}
