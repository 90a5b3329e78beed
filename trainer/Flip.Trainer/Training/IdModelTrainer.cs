using System.Diagnostics;
using Flip.Trainer.IdModels;
using TorchSharp;
using static TorchSharp.torch;

namespace Flip.Trainer.Training;

/// <summary>
/// Trains an ID model with Adam on binary cross-entropy, validating after every epoch; stops when the validation
/// AUC has not improved for <see cref="IdTrainingOptions.Patience"/> epochs and restores the best epoch's weights.
/// </summary>
public sealed class IdModelTrainer(IdTrainingOptions options)
{
    private readonly IdTrainingOptions options = Validated(options);

    /// <summary>Seeds torch's generator and sets its thread count: call before creating the model for reproducible weights.</summary>
    public static void PrepareTorch(IdTrainingOptions options)
    {
        torch.set_num_threads(options.Threads);
        torch.manual_seed(options.Seed);
    }

    public TrainingResult Train(CtrModel model, SampleSet train, SampleSet validation,
        Action<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        if (train.FieldCount != model.NumFields || validation.FieldCount != model.NumFields)
            throw new ArgumentException($"The model has {model.NumFields} fields but the samples have {train.FieldCount}.");
        if (train.Count == 0) throw new ArgumentException("No training samples.", nameof(train));
        torch.set_num_threads(options.Threads);

        using var optimizer = torch.optim.Adam(model.parameters(), options.LearningRate);
        var epochs = new List<EpochSummary>();
        Dictionary<string, Tensor>? best = null;
        EvaluationResult? bestValidation = null;
        int bestEpoch = 0;
        try
        {
            for (int epoch = 1; epoch <= options.MaxEpochs; epoch++)
            {
                cancellation.ThrowIfCancellationRequested();
                var (loss, seconds) = RunEpoch(model, optimizer, train, epoch, progress, cancellation);
                var validationResult = IdModelEvaluator.Evaluate(model, validation, options.EvaluationBatchSize);
                epochs.Add(new EpochSummary(epoch, loss, validationResult, seconds > 0 ? train.Count / seconds : 0, seconds));
                if (bestValidation is null || validationResult.Auc > bestValidation.Auc)
                {
                    bestValidation = validationResult;
                    bestEpoch = epoch;
                    DisposeAll(best);
                    best = Snapshot(model);
                }
                else if (epoch - bestEpoch >= options.Patience)
                {
                    break;
                }
            }
            if (best is not null && bestEpoch != epochs.Count) Restore(model, best);
        }
        finally
        {
            DisposeAll(best);
        }
        model.eval();
        return new TrainingResult(bestEpoch, bestValidation!, epochs);
    }

    private (double Loss, double Seconds) RunEpoch(CtrModel model, torch.optim.Optimizer optimizer, SampleSet train,
        int epoch, Action<TrainingProgress>? progress, CancellationToken cancellation)
    {
        model.train();
        var clock = Stopwatch.StartNew();
        double lossSum = 0;
        long done = 0;
        int? shuffleSeed = options.Shuffle ? unchecked(options.Seed * 7919 + epoch) : null;
        using var producer = new BatchProducer(train, options.BatchSize, shuffleSeed, options.PrefetchBatches);
        foreach (var batch in producer.Batches())
        {
            cancellation.ThrowIfCancellationRequested();
            using (batch)
            using (NewDisposeScope())
            {
                optimizer.zero_grad();
                var embedded = model.Embed(batch.Ids);
                var output = model.Forward(batch.Ids, embedded);
                var loss = nn.functional.binary_cross_entropy_with_logits(output.Logit, batch.Labels);
                if (options.EmbeddingL2 > 0)
                    loss = loss + options.EmbeddingL2 * embedded.square().sum() / batch.Count;
                loss.backward();
                optimizer.step();
                double value = loss.item<float>();
                lossSum += value * batch.Count;
                done += batch.Count;
                progress?.Invoke(new TrainingProgress(epoch, options.MaxEpochs, done, train.Count, value));
            }
        }
        return (lossSum / Math.Max(1, done), clock.Elapsed.TotalSeconds);
    }

    private static Dictionary<string, Tensor> Snapshot(CtrModel model)
    {
        using var noGrad = no_grad();
        return model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
    }

    private static void Restore(CtrModel model, Dictionary<string, Tensor> snapshot)
    {
        using var noGrad = no_grad();
        foreach (var (name, value) in model.state_dict()) value.copy_(snapshot[name]);
    }

    private static void DisposeAll(Dictionary<string, Tensor>? tensors)
    {
        if (tensors is null) return;
        foreach (var t in tensors.Values) t.Dispose();
        tensors.Clear();
    }

    private static IdTrainingOptions Validated(IdTrainingOptions o)
    {
        o.Validate();
        return o;
    }
}
