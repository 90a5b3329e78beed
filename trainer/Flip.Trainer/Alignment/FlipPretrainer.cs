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
    /// <summary>
    /// AdamW over every parameter at <see cref="FlipPretrainingOptions.LearningRate"/>, or, with a
    /// <see cref="FlipPretrainingOptions.HeadLearningRate"/>, two groups: the PLM's weights first at LearningRate, then
    /// the rest (ID model, heads, projections) at HeadLearningRate.
    /// </summary>
    internal static optim.Optimizer CreateOptimizer(FlipPretrainingModel model, FlipPretrainingOptions options)
    {
        if (options.HeadLearningRate is not { } headLr)
            return optim.AdamW(model.parameters(), lr: options.LearningRate, weight_decay: options.WeightDecay);
        if (headLr <= 0) throw new ArgumentOutOfRangeException(nameof(options), "HeadLearningRate must be positive");
        var plm = model.Plm.parameters().ToList();
        var plmSet = new HashSet<IntPtr>(plm.Select(p => p.Handle));
        var rest = model.parameters().Where(p => !plmSet.Contains(p.Handle)).ToList();
        return optim.AdamW(
        [
            new TorchSharp.Modules.AdamW.ParamGroup(plm, lr: options.LearningRate, weight_decay: options.WeightDecay),
            new TorchSharp.Modules.AdamW.ParamGroup(rest, lr: headLr, weight_decay: options.WeightDecay),
        ], lr: options.LearningRate, weight_decay: options.WeightDecay);
    }

    public FlipPretrainingReport Train(IReadOnlyList<TextTabularPair> pairs, Action<FlipStepProgress>? progress = null, CancellationToken cancellation = default)
    {
        if (options.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options), "BatchSize must be at least 1");
        if (options.Epochs < 0) throw new ArgumentOutOfRangeException(nameof(options), "Epochs must not be negative");
        var device = TrainingDevice.Resolve(options.Device);
        model.to(device);
        if (options.WarmupSteps < 0) throw new ArgumentOutOfRangeException(nameof(options), "WarmupSteps must not be negative");
        var timer = new FlipStepTimer(device) { Enabled = options.PhaseTiming };
        model.Timer = timer;
        var objectives = model.Objectives;
        if (!objectives.Any || pairs.Count == 0 || options.Epochs == 0)
            return new FlipPretrainingReport(options.Ablation, device.ToString(), model.Text.IsBf16, 0, 0, 0, [], timer.Totals);

        manual_seed(options.Seed); // dropout
        var masker = new FlipMasker(textMaskTokenId, options.TextMaskRatio, options.TabularMaskRatio, objectives.TokenLevelMasking);
        var stepsPerEpoch = (pairs.Count + options.BatchSize - 1) / options.BatchSize;
        var totalSteps = stepsPerEpoch * options.Epochs;
        var logInterval = Math.Max(1, options.LogInterval);
        var sampling = options.Heads.MlmSampledNegatives > 0 ? new MlmSampling(options.Heads.MlmSampledNegatives, model.Plm.Config.VocabSize) : null;
        var parameters = model.parameters().ToArray();
        using var optimizer = CreateOptimizer(model, options);
        var schedule = optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max: totalSteps, eta_min: 0);
        model.train();

        var epochs = new List<FlipEpochLosses>();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var step = 0;
        long samples = 0;
        // Batches are masked and sampled on the host, in the same order (one Random) whether built ahead or in the loop.
        var staged = Batches(pairs, masker, noise, sampling, options, device);
        using var prefetcher = options.PrefetchBatches > 0 ? new Training.Prefetcher<StagedBatch>(staged, options.PrefetchBatches) : null;
        using var batches = (prefetcher?.Items() ?? staged).GetEnumerator();
        using var epochSums = new DeviceLossSums();
        using var logSums = new DeviceLossSums();
        for (var epoch = 1; epoch <= options.Epochs; epoch++)
        {
            for (var start = 0; start < pairs.Count; start += options.BatchSize)
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                FlipBatch batch;
                using (timer.Measure(FlipStepPhase.Batching))
                {
                    if (!batches.MoveNext()) throw new InvalidOperationException("the batch sequence ended early");
                    using var next = batches.Current;
                    batch = next.OnDevice(device);
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
                    // Summed on the device; read once per log interval and once per epoch (each read is a host sync on CUDA).
                    epochSums.Add(losses);
                    if (progress is not null) logSums.Add(losses);
                    step++;
                    samples += batch.Size;
                    if (progress is not null && (step % logInterval == 0 || step == totalSteps))
                    {
                        var mean = logSums.MeanAndReset(epoch);
                        progress(new FlipStepProgress(epoch, step, totalSteps, mean.Total, mean.Mlm, mean.Mtm, mean.Icl, schedule.get_last_lr().First()));
                    }
                    if (step == options.WarmupSteps)
                    {
                        // Timing starts after the warm-up: what came before is left out of speed and phases.
                        timer.Synchronize();
                        timer.Reset();
                        watch.Restart();
                        samples = 0;
                    }
                }
            }
            epochs.Add(epochSums.MeanAndReset(epoch));
        }
        timer.Synchronize(); // queued kernels belong to the timed run
        var seconds = watch.Elapsed.TotalSeconds;
        model.eval();
        return new FlipPretrainingReport(options.Ablation, device.ToString(), model.Text.IsBf16, step, samples, seconds, epochs, timer.Totals);
    }

    /// <summary>
    /// Every step's batch, epoch after epoch (a fresh shuffle each epoch), masked and noise-sampled on the host with one
    /// Random. Built on the CPU, in pinned memory when the model is on CUDA so the copy to the device is asynchronous.
    /// </summary>
    IEnumerable<StagedBatch> Batches(IReadOnlyList<TextTabularPair> pairs, FlipMasker masker, FeatureNoiseDistribution noise, MlmSampling? sampling,
        FlipPretrainingOptions options, Device device)
    {
        var random = new Random(options.Seed);
        var pin = device.type == DeviceType.CUDA;
        for (var epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var order = Enumerable.Range(0, pairs.Count).ToArray();
            random.Shuffle(order);
            for (var start = 0; start < order.Length; start += options.BatchSize)
            {
                var slice = order.Skip(start).Take(options.BatchSize).Select(i => pairs[i]).ToArray();
                var batch = FlipBatch.CreateMasked(slice, masker, noise, options.Heads.NoiseSamples, random, CPU, sampling);
                yield return new StagedBatch(pin ? batch.Pinned() : batch);
            }
        }
    }

    /// <summary>A batch built on the host, waiting for its step.</summary>
    sealed class StagedBatch(FlipBatch batch) : IDisposable
    {
        FlipBatch? _batch = batch;

        /// <summary>The batch on <paramref name="device"/> (asynchronous copies from pinned memory on CUDA); this one gives it up.</summary>
        public FlipBatch OnDevice(Device device)
        {
            var batch = _batch ?? throw new ObjectDisposedException(nameof(StagedBatch));
            if (device.type == DeviceType.CPU)
            {
                _batch = null;
                return batch;
            }
            return batch.To(device);
        }

        public void Dispose() => _batch?.Dispose();
    }

    /// <summary>Loss sums kept on the device (no host sync per step), with how many steps had each loss.</summary>
    sealed class DeviceLossSums : IDisposable
    {
        Tensor? _total, _mlm, _mtm, _icl;
        int _n, _nMlm, _nMtm, _nIcl;

        public void Add(FlipLosses losses)
        {
            Accumulate(ref _total, losses.Total.detach());
            _n++;
            if (losses.MlmPart is { } a) { Accumulate(ref _mlm, a); _nMlm++; }
            if (losses.MtmPart is { } b) { Accumulate(ref _mtm, b); _nMtm++; }
            if (losses.IclPart is { } c) { Accumulate(ref _icl, c); _nIcl++; }
        }

        static void Accumulate(ref Tensor? sum, Tensor value)
        {
            if (sum is null)
            {
                sum = value.to(ScalarType.Float64, copy: true);
                sum.DetachFromDisposeScope();
            }
            else sum.add_(value);
        }

        /// <summary>The means since the last call (one host read per loss), then starts over.</summary>
        public FlipEpochLosses MeanAndReset(int epoch)
        {
            static double? Mean(Tensor? sum, int n) => sum is not null && n > 0 ? sum.item<double>() / n : null;
            var result = new FlipEpochLosses(epoch, Mean(_total, _n) ?? 0, Mean(_mlm, _nMlm), Mean(_mtm, _nMtm), Mean(_icl, _nIcl));
            Dispose();
            (_n, _nMlm, _nMtm, _nIcl) = (0, 0, 0, 0);
            return result;
        }

        public void Dispose()
        {
            foreach (var t in new[] { _total, _mlm, _mtm, _icl }) t?.Dispose();
            (_total, _mlm, _mtm, _icl) = (null, null, null, null);
        }
    }
}
