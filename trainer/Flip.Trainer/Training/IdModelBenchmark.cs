using System.Diagnostics;
using Flip.Trainer.IdModels;
using static TorchSharp.torch;

namespace Flip.Trainer.Training;

/// <summary>Latency of one inference call at a batch size.</summary>
public sealed record LatencyMeasurement(int BatchSize, int Iterations, double MeanMs, double P50Ms, double P95Ms, double P99Ms, double SamplesPerSecond);

/// <summary>Micro-measurements of a model's CPU speed (benchmarks are CLI commands; this is their engine).</summary>
public static class IdModelBenchmark
{
    /// <summary>Times <paramref name="iterations"/> inference calls (eval mode, no grad) on consecutive rows of <paramref name="samples"/>, after a warm-up.</summary>
    public static LatencyMeasurement MeasureInference(CtrModel model, SampleSet samples, int batchSize, int iterations, int warmup = 20)
    {
        if (samples.Count < batchSize) throw new ArgumentException($"Need at least {batchSize} samples, have {samples.Count}.", nameof(samples));
        model.eval();
        using var noGrad = no_grad();
        var rows = Enumerable.Range(0, batchSize).ToArray();
        var timings = new double[iterations];
        for (int i = -warmup; i < iterations; i++)
        {
            int start = (int)((long)(i + warmup) * batchSize % (samples.Count - batchSize + 1));
            for (int k = 0; k < batchSize; k++) rows[k] = start + k;
            // Batch preparation is timed too: a scorer pays for it on every request.
            var clock = Stopwatch.StartNew();
            using (var batch = SampleBatch.From(samples, rows))
            using (NewDisposeScope())
            {
                var output = model.call(batch.Ids);
                _ = output.Logit.data<float>()[0];
            }
            if (i >= 0) timings[i] = clock.Elapsed.TotalMilliseconds;
        }
        Array.Sort(timings);
        double mean = timings.Average();
        return new LatencyMeasurement(batchSize, iterations, mean, Percentile(timings, 0.50), Percentile(timings, 0.95), Percentile(timings, 0.99),
            batchSize / (mean / 1000));
    }

    /// <summary>Training throughput (forward, backward, Adam step) in samples/s over <paramref name="steps"/> steps after a warm-up.</summary>
    public static double MeasureTraining(CtrModel model, SampleSet samples, int batchSize, int steps, double learningRate = 1e-3, int warmup = 5)
    {
        model.train();
        using var optimizer = optim.Adam(model.parameters(), learningRate);
        var clock = new Stopwatch();
        int done = 0, step = -warmup;
        using var producer = new BatchProducer(samples, batchSize, shuffleSeed: 1, prefetch: 4);
        while (step < steps)
        {
            foreach (var batch in producer.Batches())
            {
                if (step == 0) clock.Start();
                using (batch)
                using (NewDisposeScope())
                {
                    optimizer.zero_grad();
                    var output = model.call(batch.Ids);
                    var loss = nn.functional.binary_cross_entropy_with_logits(output.Logit, batch.Labels);
                    loss.backward();
                    optimizer.step();
                    _ = loss.item<float>();
                }
                if (step >= 0) done += batch.Count;
                if (++step >= steps) break;
            }
            if (step < steps) throw new ArgumentException($"{samples.Count} samples give fewer than {steps + warmup} batches of {batchSize}.", nameof(samples));
        }
        model.eval();
        return done / clock.Elapsed.TotalSeconds;
    }

    private static double Percentile(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
}
