using System.Runtime.InteropServices;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;
using Flip.FeatureStore.Text;
using Flip.Trainer.Alignment;
using Flip.Trainer.IdModels;
using TorchSharp;

namespace Flip.Trainer.Experiments;

/// <summary>A PLM the throughput benchmark measures, by the name its rows carry.</summary>
public sealed record FlipThroughputPlm(string Name, FlipPlmSource Source);

/// <summary>Settings of <see cref="FlipThroughputBenchmark"/>: every PLM x batch size x precision is one case.</summary>
public sealed class FlipThroughputOptions
{
    public IReadOnlyList<FlipThroughputPlm> Plms { get; init; } = [];
    /// <summary>Pairs per step. Default 128 and 1024 (the PyTorch peer's and the paper's).</summary>
    public IReadOnlyList<int> BatchSizes { get; init; } = [128, 1024];
    /// <summary>false = fp32, true = bf16 PLM compute. Default both.</summary>
    public IReadOnlyList<bool> Bf16 { get; init; } = [false, true];
    /// <summary>auto, cpu, cuda or cuda:N. Default auto.</summary>
    public string Device { get; init; } = "auto";
    /// <summary>Untimed steps first (CUDA kernel selection, allocator growth, optimizer state). Default 5, as the peer.</summary>
    public int WarmupSteps { get; init; } = 5;
    /// <summary>Timed steps, run without phase timing (no extra device synchronisation). Default 30, as the peer.</summary>
    public int Steps { get; init; } = 30;
    /// <summary>Steps of a second run with phase timing, for the time split by phase. 0 skips it. Default 10.</summary>
    public int PhaseSteps { get; init; } = 10;
    /// <summary>MLM decoders to measure: 0 = full softmax over the vocabulary, K = sampled softmax with K drawn words (<see cref="MlmSampling"/>). Default [0].</summary>
    public IReadOnlyList<int> MlmSampledNegatives { get; init; } = [0];
    /// <summary>Tokens per text ([CLS] and [SEP] included). Default 100, the peer's L.</summary>
    public int MaxLength { get; init; } = 100;
    /// <summary>FLIP's ID side. Default dcnv2.</summary>
    public string IdModel { get; init; } = "dcnv2";
    /// <summary>Head sizes and NCE noise count (defaults: the paper's, as the peer).</summary>
    public FlipHeadOptions Heads { get; init; } = new();
    public int Seed { get; init; } = 42;
}

/// <summary>
/// One case's figures. <see cref="PhaseMillisecondsPerStep"/> comes from the separate phase-timed run (its
/// synchronisations make it slower than <see cref="SamplesPerSecond"/>); <see cref="GpuMemoryUsedBytes"/> is NVML's
/// device-wide figure after the case (see <see cref="GpuMemoryProbe"/>: it includes the CUDA context and what the
/// caching allocator kept from earlier cases of the same process); <see cref="Error"/> is set when the case failed
/// (e.g. out of memory) and the other figures are then zero.
/// </summary>
public sealed record FlipThroughputRow(string Plm, string Shape, int BatchSize, string Precision, int MlmSampledNegatives, int Steps, double Seconds, double SamplesPerSecond,
    IReadOnlyDictionary<string, double> PhaseMillisecondsPerStep, long? GpuMemoryUsedBytes, double? LastLoss, string? Error);

public sealed record FlipThroughputResult(string Device, string? GpuName, int Pairs, IReadOnlyList<FlipThroughputRow> Rows);

/// <summary>
/// `flip bench flip-gpu`: FLIP pretraining speed (samples/s, time split by phase, GPU memory) for each PLM x batch
/// size x precision, on real pairs of a dataset, with the trainer the product uses (<see cref="FlipPretrainer"/>).
/// Each case starts from freshly loaded weights, so cases do not depend on each other's training.
/// </summary>
public static class FlipThroughputBenchmark
{
    public static FlipThroughputResult Run(DatasetSchema schema, IReadOnlyList<ClickEvent> events, FlipThroughputOptions options, Action<string>? log = null)
    {
        if (options.Plms.Count == 0) throw new ArgumentException("name at least one PLM to measure");
        if (options.BatchSizes.Count == 0 || options.BatchSizes.Any(b => b < 1)) throw new ArgumentException("batch sizes must be at least 1");
        if (options.Steps < 1 || options.WarmupSteps < 0 || options.PhaseSteps < 0) throw new ArgumentException("steps must be at least 1, warm-up and phase steps not negative");
        var device = TrainingDevice.Resolve(options.Device);
        var rows = new List<FlipThroughputRow>();
        var pairCount = 0;
        foreach (var plmSpec in options.Plms)
        {
            FlipData data;
            string shape;
            using (var probe = plmSpec.Source.Load(torch.CPU))
            {
                if (options.MaxLength > probe.Config.MaxPositionEmbeddings)
                    throw new ArgumentException($"the text length {options.MaxLength} exceeds {plmSpec.Name}'s max_position_embeddings {probe.Config.MaxPositionEmbeddings}");
                data = FlipData.Create(schema, events, vocabulary: null, probe.Vocabulary.Source, options.MaxLength);
                var c = probe.Config;
                shape = $"{c.NumHiddenLayers}L-{c.HiddenSize}H{(probe.IsRandomlyInitialised ? " random" : "")}";
            }
            if (data.Train.Length == 0) throw new ArgumentException("the events give no training pairs");
            pairCount = data.Train.Length;
            var noise = FeatureNoiseDistribution.FromPairs(data.Vocabulary, data.Train);
            foreach (var batch in options.BatchSizes)
                foreach (var bf16 in options.Bf16)
                    foreach (var sampled in options.MlmSampledNegatives)
                    {
                        var name = $"{plmSpec.Name} batch {batch} {(bf16 ? "bf16" : "fp32")}{(sampled > 0 ? $" MLM sampled {sampled}" : "")}";
                        log?.Invoke($"{name}: {options.WarmupSteps} warm-up + {options.Steps} timed + {options.PhaseSteps} phase-timed steps...");
                        var row = Case(plmSpec, shape, data, noise, batch, bf16, sampled, device, options);
                        log?.Invoke(row.Error is null ? $"{name}: {row.SamplesPerSecond:N0} samples/s" : $"{name}: failed: {row.Error}");
                        rows.Add(row);
                    }
        }
        return new FlipThroughputResult(device.ToString(), device.type == DeviceType.CUDA ? GpuMemoryProbe.Name(DeviceIndex(device)) : null, pairCount, rows);
    }

    static FlipThroughputRow Case(FlipThroughputPlm plmSpec, string shape, FlipData data, FeatureNoiseDistribution noise, int batch, bool bf16,
        int sampled, torch.Device device, FlipThroughputOptions options)
    {
        var precision = bf16 ? "bf16" : "fp32";
        var heads = new FlipHeadOptions
        {
            ProjectionSize = options.Heads.ProjectionSize, Temperature = options.Heads.Temperature, MtmEmbeddingSize = options.Heads.MtmEmbeddingSize,
            NoiseSamples = options.Heads.NoiseSamples, Dropout = options.Heads.Dropout, MlmSampledNegatives = sampled,
        };
        try
        {
            using var plm = plmSpec.Source.Load(device);
            torch.manual_seed(options.Seed);
            var id = CtrModelFactory.Create(options.IdModel, data.Vocabulary.Count, data.Schema.FieldCount);
            id.to(device);
            using var model = new FlipPretrainingModel(plm.Model, new CtrModelIdEncoder(id), data.Schema.FieldCount, data.Vocabulary.Count,
                FlipObjectives.For(FlipAblation.None), heads, bf16);
            model.InitializeNceBias(noise);
            var timed = Pretrain(model, plm.Vocabulary.MaskId, noise, data.Train, batch, options.WarmupSteps, options.Steps, phaseTiming: false, bf16, heads, device, options);
            var phases = new Dictionary<string, double>();
            if (options.PhaseSteps > 0)
            {
                var split = Pretrain(model, plm.Vocabulary.MaskId, noise, data.Train, batch, 0, options.PhaseSteps, phaseTiming: true, bf16, heads, device, options);
                foreach (var (phase, time) in split.Report.PhaseTimes) phases[phase.ToString()] = time.TotalMilliseconds / split.Report.Steps;
            }
            var memory = device.type == DeviceType.CUDA ? GpuMemoryProbe.UsedBytes(DeviceIndex(device)) : null;
            return new FlipThroughputRow(plmSpec.Name, shape, batch, precision, sampled, timed.Report.Steps - options.WarmupSteps, timed.Report.Seconds,
                timed.Report.SamplesPerSecond, phases, memory, timed.LastLoss, null);
        }
        catch (ExternalException e)
        {
            // libtorch's errors (out of memory above all) fail this case only; the others still run.
            return new FlipThroughputRow(plmSpec.Name, shape, batch, precision, sampled, 0, 0, 0, new Dictionary<string, double>(), null, null, e.Message.Split('\n')[0]);
        }
    }

    static (FlipPretrainingReport Report, double? LastLoss) Pretrain(FlipPretrainingModel model, int maskId, FeatureNoiseDistribution noise,
        IReadOnlyList<TextTabularPair> train, int batch, int warmup, int steps, bool phaseTiming, bool bf16, FlipHeadOptions heads, torch.Device device,
        FlipThroughputOptions options)
    {
        // Exactly (warmup + steps) full batches: the train pairs, repeated when there are fewer.
        var pairs = Enumerable.Range(0, (warmup + steps) * batch).Select(i => train[i % train.Count]).ToArray();
        var pretraining = new FlipPretrainingOptions
        {
            Epochs = 1, BatchSize = batch, Device = device.ToString(), Bf16 = bf16, WarmupSteps = warmup, PhaseTiming = phaseTiming,
            Seed = options.Seed, Heads = heads,
            LogInterval = warmup + steps, // one loss read, at the end: no host sync inside the timed steps
        };
        double? last = null;
        var report = new FlipPretrainer(model, noise, maskId, pretraining).Train(pairs, p => last = p.Loss);
        return (report, last);
    }

    static int DeviceIndex(torch.Device device) => Math.Max(device.index, 0);
}
