using Flip.FeatureStore.Text;
using Flip.Trainer.Alignment;
using TorchSharp;
using static TorchSharp.torch;

namespace Flip.Trainer.Experiments;

/// <summary>
/// Finetuning that goes on window after window (a long-running trainer): one <see cref="FlipFinetuneModel"/> and one
/// AdamW optimizer whose moments carry over between <see cref="Train"/> calls. The learning rate is constant
/// (<see cref="FlipFinetuningOptions.LearningRate"/>): a stream has no last step for a cosine schedule to decay towards.
/// The session owns the model it builds around <paramref name="checkpoint"/>'s PLM and ID model; the caller still
/// disposes the checkpoint's modules.
/// </summary>
public sealed class FlipFinetuneSession : IDisposable
{
    readonly FlipFinetuningOptions _options;
    readonly FlipFinetuner _predictor;
    readonly optim.Optimizer _optimizer;
    readonly TorchSharp.Modules.Parameter[] _parameters;
    readonly Device _device;
    readonly Random _random;

    public FlipFinetuneSession(LoadedFlipCheckpoint checkpoint, FlipFinetuningOptions options)
    {
        _options = options;
        _device = TrainingDevice.Resolve(options.Device);
        Model = new FlipFinetuneModel(checkpoint.Plm.Model, new CtrModelIdEncoder(checkpoint.Id.Model), options.Mode, options.Bf16);
        Model.to(_device);
        _parameters = Model.parameters().ToArray();
        _optimizer = optim.AdamW(_parameters, lr: options.LearningRate, weight_decay: options.WeightDecay);
        _predictor = new FlipFinetuner(Model, options);
        _random = new Random(options.Seed);
    }

    /// <summary>The model being finetuned (e.g. to save with <see cref="FlipCheckpoint.SaveFinetuned"/>).</summary>
    public FlipFinetuneModel Model { get; }

    /// <summary>Optimizer steps taken over all windows so far.</summary>
    public long Steps { get; private set; }

    /// <summary>One pass over <paramref name="pairs"/> in shuffled batches of <see cref="FlipFinetuningOptions.BatchSize"/>; returns the mean loss (NaN for no pairs).</summary>
    public double Train(IReadOnlyList<TextTabularPair> pairs, CancellationToken cancellation = default)
    {
        var order = Enumerable.Range(0, pairs.Count).ToArray();
        _random.Shuffle(order);
        double sum = 0;
        var batches = 0;
        Model.train();
        for (var start = 0; start < order.Length; start += _options.BatchSize)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            using var batch = FlipBatch.Create(order.Skip(start).Take(_options.BatchSize).Select(i => pairs[i]).ToArray(), _device);
            using var prediction = Model.Forward(batch);
            using var loss = Model.Loss(prediction, batch.Labels);
            _optimizer.zero_grad();
            loss.backward();
            Model.Text.CollectGradients();
            _optimizer.step();
            Model.Text.MarkStale();
            sum += loss.item<float>();
            batches++;
            Steps++;
        }
        Model.eval();
        return batches > 0 ? sum / batches : double.NaN;
    }

    /// <summary>Click probabilities for <paramref name="pairs"/>, in input order.</summary>
    public float[] Predict(IReadOnlyList<TextTabularPair> pairs) => _predictor.Predict(pairs);

    public void Dispose()
    {
        _optimizer.Dispose();
        Model.Dispose();
    }
}
