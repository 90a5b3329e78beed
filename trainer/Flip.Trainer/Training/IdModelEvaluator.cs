using System.Diagnostics;
using Flip.Trainer.Evaluation;
using Flip.Trainer.IdModels;
using static TorchSharp.torch;

namespace Flip.Trainer.Training;

/// <summary>Scores sample sets with a model in inference mode and computes AUC and log loss.</summary>
public static class IdModelEvaluator
{
    /// <summary>Logits of every row of <paramref name="samples"/>, in order.</summary>
    public static float[] PredictLogits(CtrModel model, SampleSet samples, int batchSize = 8192, int prefetch = 2)
    {
        var logits = new float[samples.Count];
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            using var producer = new BatchProducer(samples, batchSize, shuffleSeed: null, prefetch);
            int at = 0;
            foreach (var batch in producer.Batches())
            {
                using (batch)
                using (NewDisposeScope())
                {
                    var output = model.call(batch.Ids);
                    output.Logit.data<float>().CopyTo(logits, at);
                    at += batch.Count;
                }
            }
        }
        finally
        {
            if (wasTraining) model.train();
        }
        return logits;
    }

    /// <summary>AUC, log loss and inference throughput on <paramref name="samples"/>.</summary>
    public static EvaluationResult Evaluate(CtrModel model, SampleSet samples, int batchSize = 8192)
    {
        var clock = Stopwatch.StartNew();
        var logits = PredictLogits(model, samples, batchSize);
        double seconds = clock.Elapsed.TotalSeconds;
        var probabilities = new float[logits.Length];
        for (int i = 0; i < logits.Length; i++) probabilities[i] = 1f / (1f + MathF.Exp(-logits[i]));
        // AUC on logits: sigmoid in float32 would create ties among confident scores.
        return new EvaluationResult(
            BinaryMetrics.RocAuc(logits, samples.Labels),
            BinaryMetrics.LogLoss(probabilities, samples.Labels),
            samples.Count,
            seconds > 0 ? samples.Count / seconds : 0);
    }
}
