using Flip.FeatureStore.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Flip.Trainer.Alignment;

/// <summary>
/// Trains a <see cref="FlipPretrainingModel"/> on text-tabular pairs: masking and NCE sampling per batch,
/// loss = MLM + MTM + ICL (those enabled), AdamW with cosine decay; fp32 or bf16 PLM compute.
/// </summary>
public sealed class FlipPretrainer(FlipPretrainingModel model, FeatureNoiseDistribution noise, int textMaskTokenId, FlipPretrainingOptions options)
{
    public FlipPretrainingReport Train(IReadOnlyList<TextTabularPair> pairs, Action<FlipStepProgress>? progress = null, CancellationToken cancellation = default)
    {
        if (options.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options), "BatchSize must be at least 1");
        if (options.Epochs < 0) throw new ArgumentOutOfRangeException(nameof(options), "Epochs must not be negative");
        var device = TrainingDevice.Resolve(options.Device);
        model.to(device);
        var timer = new FlipStepTimer(device);
        model.Timer = timer;
        var objectives = model.Objectives;
        if (!objectives.Any || pairs.Count == 0 || options.Epochs == 0)
            return new FlipPretrainingReport(options.Ablation, device.ToString(), model.Text.IsBf16, 0, 0, 0, [], timer.Totals);

        manual_seed(options.Seed); // dropout
        var masker = new FlipMasker(textMaskTokenId, options.TextMaskRatio, options.TabularMaskRatio, objectives.TokenLevelMasking);
        var random = new Random(options.Seed);
        var stepsPerEpoch = (pairs.Count + options.BatchSize - 1) / options.BatchSize;
        var totalSteps = stepsPerEpoch * options.Epochs;
        var parameters = model.parameters().ToArray();
        using var optimizer = optim.AdamW(parameters, lr: options.LearningRate, weight_decay: options.WeightDecay);
        var schedule = optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max: totalSteps, eta_min: 0);
        model.train();

        var epochs = new List<FlipEpochLosses>();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var step = 0;
        long samples = 0;
        for (var epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var order = Enumerable.Range(0, pairs.Count).ToArray();
            random.Shuffle(order);
            var sums = new LossSums();
            for (var start = 0; start < order.Length; start += options.BatchSize)
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                FlipBatch batch;
                using (timer.Measure(FlipStepPhase.Batching))
                {
                    var slice = order.Skip(start).Take(options.BatchSize).Select(i => pairs[i]).ToArray();
                    batch = FlipBatch.CreateMasked(slice, masker, noise, options.Heads.NoiseSamples, random, device);
                }
                using (batch)
                {
                    using var losses = model.call(batch);
                    // A batch can leave every enabled loss without targets (e.g. MLM alone and no value tokens): nothing to learn.
                    if (!losses.Total.requires_grad) continue;
                    using (timer.Measure(FlipStepPhase.Backward))
                    {
                        optimizer.zero_grad();
                        losses.Total.backward();
                        model.Text.CollectGradients();
                    }
                    using (timer.Measure(FlipStepPhase.Optimizer))
                    {
                        if (options.MaxGradNorm > 0) nn.utils.clip_grad_norm_(parameters, options.MaxGradNorm);
                        optimizer.step();
                        schedule.step();
                        model.Text.MarkStale();
                    }
                    var total = losses.Total.item<float>();
                    sums.Add(total, losses.Mlm, losses.Mtm, losses.Icl);
                    step++;
                    samples += batch.Size;
                    progress?.Invoke(new FlipStepProgress(epoch, step, totalSteps, total, losses.Mlm, losses.Mtm, losses.Icl, schedule.get_last_lr().First()));
                }
            }
            epochs.Add(sums.Mean(epoch));
        }
        model.eval();
        return new FlipPretrainingReport(options.Ablation, device.ToString(), model.Text.IsBf16, step, samples, watch.Elapsed.TotalSeconds, epochs, timer.Totals);
    }

    sealed class LossSums
    {
        double _total, _mlm, _mtm, _icl;
        int _n, _nMlm, _nMtm, _nIcl;

        public void Add(double total, double? mlm, double? mtm, double? icl)
        {
            _total += total;
            _n++;
            if (mlm is { } a) { _mlm += a; _nMlm++; }
            if (mtm is { } b) { _mtm += b; _nMtm++; }
            if (icl is { } c) { _icl += c; _nIcl++; }
        }

        public FlipEpochLosses Mean(int epoch) => new(epoch, _total / Math.Max(_n, 1),
            _nMlm > 0 ? _mlm / _nMlm : null, _nMtm > 0 ? _mtm / _nMtm : null, _nIcl > 0 ? _icl / _nIcl : null);
    }
}
