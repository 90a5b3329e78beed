using System.Diagnostics;
using System.Text.Json;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;
using Flip.FeatureStore.Vocabulary;
using Flip.Registry;
using Flip.Trainer.Checkpoints;
using Flip.Trainer.IdModels;
using Flip.Trainer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Flip.Trainer.Online;

/// <summary>
/// Continuous finetuning of an ID-zoo model (DCNv2 by default) over a growing, expiring id space: one Adam state kept
/// across windows, tables grown by rebuilding the model with more rows and copying every old row (so old ids score
/// exactly as before), recycled rows re-initialised. Published as a compact <see cref="IdCheckpoint"/>: only rows in
/// use, renumbered densely with the matching vocabulary.
/// </summary>
public sealed class IdOnlineLearner : IOnlineLearner
{
    private const string WeightsFile = "weights.bin";
    private const string OptimizerFile = "optimizer.safetensors";
    private const string RowsFile = "rows.json";
    private const string LearnerFile = "learner.json";

    private readonly TrainerOptions _options;
    private readonly DatasetSchema _schema;
    private CtrModel _model;
    private readonly OnlineAdam _adam;

    public IdOnlineLearner(TrainerOptions options, DatasetSchema schema, string? stateDirectory = null)
    {
        _options = options;
        _schema = schema;
        Kind = options.Model.ToLowerInvariant();
        TorchRuntime.Configure(options.Threads);
        if (stateDirectory is null)
        {
            Rows = new EmbeddingRowTable(schema, options.MinCount, options.ExpireAfter, options.InitialRows, options.GrowthFactor, options.MaxRows);
            torch.manual_seed(options.Seed);
            _model = CreateModel(Rows.Capacity);
            _adam = new OnlineAdam(_model, options.LearningRate);
            return;
        }
        var saved = JsonSerializer.Deserialize<LearnerState>(File.ReadAllText(Path.Combine(stateDirectory, LearnerFile)))
            ?? throw new InvalidDataException($"{stateDirectory}: empty {LearnerFile}.");
        if (!string.Equals(saved.Kind, Kind, StringComparison.OrdinalIgnoreCase))
            throw new TrainerConfigurationException($"The trainer state in {stateDirectory} holds a '{saved.Kind}' model, Trainer:Model is '{Kind}'; use another Trainer:StateDirectory.");
        Rows = EmbeddingRowTable.Load(Path.Combine(stateDirectory, RowsFile), schema, options.MinCount, options.ExpireAfter, options.GrowthFactor, options.MaxRows);
        _model = CreateModel(saved.ModelRows);
        try { ModelWeightsFile.Load(_model, Path.Combine(stateDirectory, WeightsFile)); }
        catch (Exception e) when (e is not FileNotFoundException)
        {
            throw new TrainerConfigurationException($"The trainer state in {stateDirectory} does not fit Trainer:IdModel ({e.Message.ReplaceLineEndings(" ")}); use another Trainer:StateDirectory.", e);
        }
        _adam = new OnlineAdam(_model, options.LearningRate);
        _adam.Load(Path.Combine(stateDirectory, OptimizerFile));
        EnsureCapacity();
    }

    public string Kind { get; }
    public EmbeddingRowTable Rows { get; }
    public double? MixingWeight => null;
    public PlmIdentity? Plm => null;

    /// <summary>The model being trained (rows = <see cref="EmbeddingRowTable.Capacity"/>).</summary>
    public CtrModel Model => _model;

    /// <summary>The optimizer (state kept across windows).</summary>
    public OnlineAdam Optimizer => _adam;

    public float[] Score(IReadOnlyList<ClickEvent> events) =>
        events.Count == 0 ? [] : IdModelEvaluator.PredictLogits(_model, Encode(events), _options.EvaluationBatchSize);

    public void Observe(IReadOnlyList<ClickEvent> events)
    {
        foreach (var e in events) Rows.Observe(e);
        EnsureCapacity();
    }

    public void Expire(DateTime now)
    {
        var freed = Rows.Expire(now);
        if (freed.Count == 0) return;
        CtrModelRows.Reinitialise(_model, freed, _options.IdModel.EmbeddingInitStd);
        _adam.ResetRows(freed, _model.NumFeatures);
    }

    public double Train(IReadOnlyList<ClickEvent> events, long window, CancellationToken cancellationToken)
    {
        if (events.Count == 0) return 0;
        var samples = Encode(events);
        _model.train();
        var clock = Stopwatch.StartNew();
        long done = 0;
        for (int pass = 0; pass < _options.Passes; pass++)
        {
            int seed = unchecked(_options.Seed * 7919 + (int)window * 31 + pass);
            using var producer = new BatchProducer(samples, _options.BatchSize, seed, prefetch: 2);
            foreach (var batch in producer.Batches())
            {
                cancellationToken.ThrowIfCancellationRequested();
                using (batch)
                using (NewDisposeScope())
                {
                    _adam.ZeroGrad();
                    var output = _model.call(batch.Ids);
                    var loss = nn.functional.binary_cross_entropy_with_logits(output.Logit, batch.Labels);
                    loss.backward();
                    _adam.StepOnce();
                    done += batch.Count;
                }
            }
        }
        _model.eval();
        return clock.Elapsed.TotalSeconds > 0 ? done / clock.Elapsed.TotalSeconds : 0;
    }

    public void SaveState(string directory)
    {
        Directory.CreateDirectory(directory);
        ModelWeightsFile.Save(_model, Path.Combine(directory, WeightsFile));
        _adam.Save(Path.Combine(directory, OptimizerFile));
        Rows.Save(Path.Combine(directory, RowsFile));
        File.WriteAllText(Path.Combine(directory, LearnerFile), JsonSerializer.Serialize(new LearnerState { Kind = Kind, ModelRows = _model.NumFeatures }));
    }

    public PublishedExport Export()
    {
        var (vocabulary, rowOfId) = Rows.ToCompactVocabulary();
        var compact = CreateModel(vocabulary.Count);
        try
        {
            CtrModelRows.CopyCompacted(_model, compact, rowOfId);
            compact.eval();
            return new IdExport(compact, vocabulary, new IdTrainingOptions { LearningRate = _options.LearningRate, BatchSize = _options.BatchSize, Seed = _options.Seed, Threads = _options.Threads });
        }
        catch
        {
            compact.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _adam.Dispose();
        _model.Dispose();
    }

    internal SampleSet Encode(IReadOnlyList<ClickEvent> events)
    {
        int fields = _schema.FieldCount;
        var ids = new int[events.Count * fields];
        var labels = new float[events.Count];
        for (int i = 0; i < events.Count; i++)
        {
            Rows.Encode(events[i], ids.AsSpan(i * fields, fields));
            labels[i] = events[i].Label;
        }
        return new SampleSet(ids, labels, fields);
    }

    /// <summary>Rebuilds the model with the table's capacity when it grew: every old row and every other weight is copied, new rows keep their fresh initialisation.</summary>
    private void EnsureCapacity()
    {
        if (Rows.Capacity <= _model.NumFeatures) return;
        torch.manual_seed(_options.Seed + Rows.Capacity);
        var grown = CreateModel(Rows.Capacity);
        CtrModelRows.CopyGrowing(_model, grown);
        var old = _model;
        _model = grown;
        _adam.Bind(_model);
        old.Dispose();
    }

    private CtrModel CreateModel(int rows)
    {
        var model = CtrModelFactory.Create(Kind, rows, _schema.FieldCount, _options.IdModel);
        model.eval();
        return model;
    }

    private sealed class LearnerState
    {
        public string Kind { get; set; } = "";
        public int ModelRows { get; set; }
    }

    private sealed class IdExport(CtrModel model, FeatureVocabulary vocabulary, IdTrainingOptions training) : PublishedExport
    {
        public override long VocabularyVersion => vocabulary.Version;
        public override void WriteTo(string directory) => IdCheckpoint.Save(directory, model, vocabulary, training);
        public override void Dispose() => model.Dispose();
    }
}
