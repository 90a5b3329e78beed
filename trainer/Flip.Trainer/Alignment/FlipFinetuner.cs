using Flip.FeatureStore.Text;
using Flip.Trainer.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace Flip.Trainer.Alignment;

/// <summary>
/// Result of a finetuning run: per-epoch training loss, the learned a, validation metrics of the kept epoch when
/// validation pairs were given, and which epoch was kept.
/// </summary>
public sealed record FlipFinetuneReport(FlipFinetuneMode Mode, int Steps, double Seconds, IReadOnlyList<double> EpochLosses, double Alpha, double? ValidationAuc, double? ValidationLogLoss)
{
    /// <summary>Epochs trained (fewer than the maximum when early stopping ended training).</summary>
    public int EpochsRun { get; init; }
    /// <summary>The epoch whose weights were kept (the best validation AUC; the last epoch without validation).</summary>
    public int BestEpoch { get; init; }
}

/// <summary>
/// Finetunes a <see cref="FlipFinetuneModel"/> for CTR with AdamW (cosine decay or a constant rate, see
/// <see cref="FlipFinetuningOptions.Schedule"/>), and predicts click probabilities.
/// Two parameter groups: the PLM's weights at <see cref="FlipFinetuningOptions.PlmLearningRate"/>, everything else (ID
/// model, CTR head, a) at <see cref="FlipFinetuningOptions.LearningRate"/>. With validation pairs it keeps the epoch
/// of best validation AUC and stops after <see cref="FlipFinetuningOptions.Patience"/> epochs without improvement,
/// the rule the ID models follow, so FLIP rows and the from-scratch baseline are selected alike.
/// </summary>
public sealed class FlipFinetuner(FlipFinetuneModel model, FlipFinetuningOptions options)
{
    /// <summary>AdamW with the PLM's parameter group first, then the rest.</summary>
    internal static optim.Optimizer CreateOptimizer(FlipFinetuneModel model, FlipFinetuningOptions options)
    {
        var plm = model.Plm.parameters().ToList();
        var plmSet = new HashSet<IntPtr>(plm.Select(p => p.Handle));
        var rest = model.parameters().Where(p => !plmSet.Contains(p.Handle)).ToList();
        return optim.AdamW(
        [
            new TorchSharp.Modules.AdamW.ParamGroup(plm, lr: options.PlmLearningRate, weight_decay: options.WeightDecay),
            new TorchSharp.Modules.AdamW.ParamGroup(rest, lr: options.LearningRate, weight_decay: options.WeightDecay),
        ], lr: options.LearningRate, weight_decay: options.WeightDecay);
    }

    /// <summary>Cosine decay to 0 over <paramref name="totalSteps"/> steps, or none (a constant rate).</summary>
    internal static optim.lr_scheduler.LRScheduler? CreateSchedule(optim.Optimizer optimizer, FlipFinetuningOptions options, int totalSteps) =>
        options.Schedule == FlipLearningRateSchedule.Cosine ? optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max: totalSteps, eta_min: 0) : null;

    public FlipFinetuneReport Train(IReadOnlyList<TextTabularPair> train, IReadOnlyList<TextTabularPair>? validation = null,
        Action<int, int, double>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Patience, 1);
        var device = TrainingDevice.Resolve(options.Device);
        model.to(device);
        manual_seed(options.Seed); // dropout
        var random = new Random(options.Seed);
        var stepsPerEpoch = (train.Count + options.BatchSize - 1) / options.BatchSize;
        var totalSteps = Math.Max(1, stepsPerEpoch * options.Epochs);
        using var optimizer = CreateOptimizer(model, options);
        var schedule = CreateSchedule(optimizer, options, totalSteps);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var losses = new List<double>();
        var step = 0;
        var labels = validation?.Select(v => (float)v.Label).ToArray();
        (double Auc, double LogLoss, int Epoch)? best = null;
        Dictionary<string, Tensor>? bestWeights = null;
        var epochsRun = 0;
        try
        {
            for (var epoch = 1; epoch <= options.Epochs; epoch++)
            {
                model.train();
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
                    schedule?.step();
                    model.Text.MarkStale();
                    var value = loss.item<float>();
                    sum += value;
                    batches++;
                    step++;
                    progress?.Invoke(epoch, step, value);
                }
                losses.Add(sum / Math.Max(batches, 1));
                epochsRun = epoch;
                if (labels is not { Length: > 0 }) continue;

                var p = Predict(validation!);
                var auc = labels.Distinct().Count() == 2 ? BinaryMetrics.RocAuc(p, labels) : double.NaN;
                var logLoss = BinaryMetrics.LogLoss(p, labels);
                if (best is null || auc > best.Value.Auc)
                {
                    best = (auc, logLoss, epoch);
                    if (epoch < options.Epochs) bestWeights = Snapshot(bestWeights);
                }
                else if (epoch - best.Value.Epoch >= options.Patience) break;
            }
            // The kept epoch's weights are live unless a later, worse epoch overwrote them.
            if (best is { } b && b.Epoch != epochsRun && bestWeights is not null) Restore(bestWeights);
        }
        finally
        {
            if (bestWeights is not null) foreach (var t in bestWeights.Values) t.Dispose();
        }
        model.eval();
        return new FlipFinetuneReport(options.Mode, step, watch.Elapsed.TotalSeconds, losses, model.Alpha,
            best is { } kept && !double.IsNaN(kept.Auc) ? kept.Auc : null, best?.LogLoss)
        {
            EpochsRun = epochsRun,
            BestEpoch = best?.Epoch ?? epochsRun,
        };
    }

    Dictionary<string, Tensor> Snapshot(Dictionary<string, Tensor>? previous)
    {
        if (previous is not null) foreach (var t in previous.Values) t.Dispose();
        using (no_grad())
            return model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());
    }

    void Restore(Dictionary<string, Tensor> weights)
    {
        using (no_grad())
            foreach (var (name, target) in model.state_dict()) target.copy_(weights[name]);
        model.Text.MarkStale();
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
