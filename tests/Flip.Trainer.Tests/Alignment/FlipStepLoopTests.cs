using Flip.Trainer.Alignment;
using Flip.Trainer.Tests.Plm;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Flip.Trainer.Tests.Alignment;

/// <summary>
/// The GPU-minded step loop (issue 14): batches built ahead, MLM targets found on the host, losses summed on the
/// device and read once per log interval, and the sampled-softmax MLM decoder.
/// </summary>
public sealed class FlipStepLoopTests
{
    static (FlipPretrainingReport Report, List<FlipStepProgress> Progress) Train(int prefetch, int logInterval, int sampled = 0)
    {
        using var model = FlipTestModels.Pretraining(seed: 13);
        var heads = FlipTestModels.Heads;
        heads.MlmSampledNegatives = sampled;
        var options = new FlipPretrainingOptions
        {
            Epochs = 2, BatchSize = 16, LearningRate = 2e-3, Device = "cpu", Heads = heads, PrefetchBatches = prefetch, LogInterval = logInterval,
        };
        var progress = new List<FlipStepProgress>();
        var report = new FlipPretrainer(model, SyntheticPairs.Noise(), TinyBert.Vocabulary.MaskId, options).Train(SyntheticPairs.Many(64, 4), progress.Add);
        return (report, progress);
    }

    [Fact]
    public void BatchesBuiltAheadTrainExactlyAsBatchesBuiltInTheLoop()
    {
        var inLoop = Train(prefetch: 0, logInterval: 1);
        var ahead = Train(prefetch: 2, logInterval: 1);
        Assert.Equal(8, inLoop.Progress.Count);
        Assert.Equal(inLoop.Progress.Select(p => p.Loss), ahead.Progress.Select(p => p.Loss));
        Assert.Equal(inLoop.Report.Epochs, ahead.Report.Epochs);
    }

    [Fact]
    public void ProgressComesOncePerLogIntervalWithTheMeanSinceTheLastOne()
    {
        var everyStep = Train(prefetch: 2, logInterval: 1).Progress;
        var everyThird = Train(prefetch: 2, logInterval: 3).Progress;
        Assert.Equal([3, 6, 8], everyThird.Select(p => p.Step));
        Assert.Equal(everyStep.Take(3).Average(p => p.Loss), everyThird[0].Loss, 5);
        Assert.Equal(everyStep.Skip(6).Average(p => p.Mlm!.Value), everyThird[2].Mlm!.Value, 5);
    }

    [Fact]
    public void HostFoundMlmPositionsAreTheMaskedTokensInOrder()
    {
        using var batch = FlipTestModels.MaskedBatch();
        using var fromDevice = batch.MlmLabels!.ne(FlipMasker.IgnoreLabel).view(-1).nonzero().squeeze(1);
        Assert.True(fromDevice.shape[0] > 0);
        Assert.Equal(fromDevice.data<long>().ToArray(), batch.MlmPositions!.data<long>().ToArray());
        Assert.Equal((int)batch.TabularMask!.sum().item<long>(), batch.MaskedFieldCount!.Value);
    }

    [Fact]
    public void SampledSoftmaxWithEveryWordAsCandidateIsTheFullSoftmax()
    {
        // K far above V: every word is a candidate (Q = 1 for targets; log Q of drawn words ~ 0), so the loss is the full one.
        var pairs = SyntheticPairs.Many(16, 5);
        var masker = new FlipMasker(TinyBert.Vocabulary.MaskId);
        var sampling = new MlmSampling(5000, TinyBert.Vocabulary.Count);
        using var sampled = FlipBatch.CreateMasked(pairs, masker, SyntheticPairs.Noise(), 5, new Random(3), CPU, sampling);
        using var full = FlipBatch.CreateMasked(pairs, masker, SyntheticPairs.Noise(), 5, new Random(3), CPU);
        Assert.Equal(TinyBert.Vocabulary.Count, sampled.MlmCandidates!.Words.shape[0]);
        using var model = FlipTestModels.Pretraining(ablation: FlipAblation.WithoutMtm, seed: 17);
        model.eval();
        using var a = model.call(full);
        using var b = model.call(sampled);
        Assert.Equal(a.Mlm!.Value, b.Mlm!.Value, 3);
    }

    [Fact]
    public void SampledCandidatesHoldEveryTargetOnceAndIndexThem()
    {
        var sampling = new MlmSampling(20, 1000);
        long[] targets = [7, 3, 7, 999];
        using var c = sampling.Draw(targets, new Random(1), CPU);
        var words = c.Words.data<long>().ToArray();
        Assert.Equal(words.Length, words.Distinct().Count());
        Assert.Equal([3L, 7L, 999L], words.Take(3));
        Assert.Equal(targets, c.TargetIndex.data<long>().ToArray().Select(i => words[i]));
        var logQ = c.LogQ.data<float>().ToArray();
        Assert.All(logQ.Take(3), q => Assert.Equal(0f, q));
        Assert.All(logQ.Skip(3), q => Assert.Equal(Math.Log(1 - Math.Pow(1 - 1.0 / 1000, 20)), q, 4));
    }

    /// <summary>Full-softmax MLM loss on a fixed probe batch before and after pretraining with <paramref name="negatives"/> (0 = full softmax).</summary>
    static (double Before, double After) ProbeMlm(int negatives)
    {
        using var model = FlipTestModels.Pretraining(seed: 19);
        using var probe = FlipTestModels.MaskedBatch(size: 32, seed: 8); // no candidates: scored with the full softmax
        model.eval();
        double before;
        using (var l = model.call(probe)) before = l.Mlm!.Value;
        var heads = FlipTestModels.Heads;
        heads.MlmSampledNegatives = negatives;
        var options = new FlipPretrainingOptions { Epochs = 10, BatchSize = 16, LearningRate = 3e-3, Device = "cpu", Heads = heads };
        new FlipPretrainer(model, SyntheticPairs.Noise(), TinyBert.Vocabulary.MaskId, options).Train(SyntheticPairs.Many(96, 6));
        using var after = model.call(probe);
        return (before, after.Mlm!.Value);
    }

    [Fact]
    public void SampledSoftmaxPretrainingLowersTheFullMlmLossAtLeastHalfAsMuchAsTheFullSoftmax()
    {
        var full = ProbeMlm(0);
        var sampled = ProbeMlm(8);
        Assert.Equal(full.Before, sampled.Before, 6);
        var (fullGain, sampledGain) = (full.Before - full.After, sampled.Before - sampled.After);
        Assert.True(fullGain > 0 && sampledGain > 0.5 * fullGain, $"full softmax {full.Before:0.000} -> {full.After:0.000}, sampled {sampled.Before:0.000} -> {sampled.After:0.000}");
    }
}
