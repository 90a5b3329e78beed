using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;
using Flip.FeatureStore.Text;
using Flip.FeatureStore.Vocabulary;
using Flip.Registry;
using Flip.Trainer.Alignment;
using Flip.Trainer.Checkpoints;
using Flip.Trainer.Experiments;
using Flip.Trainer.IdModels;
using Flip.Trainer.Plm;
using Flip.Trainer.Safetensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Flip.Trainer.Online;

/// <summary>
/// Continuous finetuning of a FLIP kind (<c>flip-id</c>, <c>flip</c>, <c>flip-plm</c>): a <see cref="FlipFinetuneModel"/>
/// over the PLM (<see cref="FlipPlmSource"/>: the imported MiniLM by default) and an ID-zoo model whose rows follow the
/// online id space. FLIP mode trains y = σ(a·ID + (1−a)·PLM) with the three BCE losses and a learnable a.
/// <para>
/// Optimizer: <see cref="OnlineAdam"/>, not the offline AdamW of <see cref="FlipFinetuneSession"/>: its state must grow with
/// the ID tables and be saved and loaded with the weights. Only what the mode trains has optimizer state (FLIP_ID: the ID
/// model; FLIP_PLM: the PLM and its head; FLIP: everything), the PLM's weights at <see cref="TrainerOptions.PlmLearningRate"/>.
/// </para>
/// <para>
/// Growth rebuilds the ID model with more rows and a new <see cref="FlipFinetuneModel"/> around the same PLM, copying
/// the CTR head and a: old ids keep their rows and moments. Periodic pretraining (<see cref="Pretrain"/>) re-aligns the
/// PLM and the ID model in place. Published as a finetuned <see cref="FlipCheckpoint"/> (plm/ with vocab.txt, id/ compacted
/// to the rows in use, heads, flip.json), the layout the scorer loads.
/// </para>
/// </summary>
public sealed class FlipOnlineLearner : IOnlineLearner, IPretrainableLearner
{
    private const string PlmFolder = "plm";
    private const string IdWeightsFile = "id-weights.bin";
    private const string HeadFile = "head.safetensors";
    private const string OptimizerFile = "optimizer.safetensors";
    private const string RowsFile = "rows.json";
    private const string LearnerFile = "learner.json";
    private const string IdPrefix = "id_model.";

    private readonly TrainerOptions _options;
    private readonly DatasetSchema _schema;
    private readonly Device _device;
    private readonly BertCheckpoint _plm;
    private readonly TextTabularPairBuilder _pairs;
    private readonly FlipFinetuneMode _mode;
    private readonly LearnerState _state;
    private CtrModel _id;
    private FlipFinetuneModel _model;
    private readonly OnlineAdam _adam;

    public FlipOnlineLearner(TrainerOptions options, DatasetSchema schema, string? stateDirectory = null)
    {
        _options = options;
        _schema = schema;
        Kind = options.Model.ToLowerInvariant();
        _mode = Kind switch
        {
            ModelKinds.FlipId => FlipFinetuneMode.FlipId,
            ModelKinds.FlipPlm => FlipFinetuneMode.FlipPlm,
            _ => FlipFinetuneMode.Flip,
        };
        if (!CtrModelFactory.Names.Contains(options.FlipIdModel.ToLowerInvariant()))
            throw new TrainerConfigurationException($"Unknown Trainer:FlipIdModel '{options.FlipIdModel}'. Known: {string.Join(", ", CtrModelFactory.Names)}.");
        TorchRuntime.Configure(options.Threads);
        try { _device = TrainingDevice.Resolve(options.Device); }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException) { throw new TrainerConfigurationException($"Trainer:Device: {e.Message}", e); }

        if (stateDirectory is null)
        {
            var source = new FlipPlmSource(string.IsNullOrWhiteSpace(options.Plm) ? null : options.Plm, options.PlmVocabPath,
                string.IsNullOrWhiteSpace(options.PlmShape) ? null : options.PlmShape, options.PlmLayers > 0 ? options.PlmLayers : null);
            try { _plm = source.Load(_device); }
            catch (Exception e) when (e is IOException or ArgumentException or InvalidDataException or UnauthorizedAccessException)
            {
                throw new TrainerConfigurationException($"Cannot load the PLM ({options.Plm}{options.PlmShape}): {e.Message.ReplaceLineEndings(" ")}", e);
            }
            _state = new LearnerState
            {
                Kind = Kind, IdModel = options.FlipIdModel.ToLowerInvariant(), PlmSource = _plm.Source, PlmRandomlyInitialised = _plm.IsRandomlyInitialised,
                PlmLayers = _plm.Config.NumHiddenLayers, PlmSha256 = InitialWeightsHash(options),
            };
            Rows = new EmbeddingRowTable(schema, options.MinCount, options.ExpireAfter, options.InitialRows, options.GrowthFactor, options.MaxRows);
            torch.manual_seed(options.Seed);
            _id = CreateIdModel(Rows.Capacity);
            _model = Wrap(_id);
        }
        else
        {
            _state = JsonSerializer.Deserialize<LearnerState>(File.ReadAllText(Path.Combine(stateDirectory, LearnerFile)))
                ?? throw new InvalidDataException($"{stateDirectory}: empty {LearnerFile}.");
            if (!string.Equals(_state.Kind, Kind, StringComparison.OrdinalIgnoreCase))
                throw new TrainerConfigurationException($"The trainer state in {stateDirectory} holds a '{_state.Kind}' model, Trainer:Model is '{Kind}'; use another Trainer:StateDirectory.");
            if (_state.IdModel != options.FlipIdModel.ToLowerInvariant())
                throw new TrainerConfigurationException($"The trainer state in {stateDirectory} has a '{_state.IdModel}' ID side, Trainer:FlipIdModel is '{options.FlipIdModel}'; use another Trainer:StateDirectory.");
            _plm = BertCheckpoint.Load(Path.Combine(stateDirectory, PlmFolder), _device);
            Rows = EmbeddingRowTable.Load(Path.Combine(stateDirectory, RowsFile), schema, options.MinCount, options.ExpireAfter, options.GrowthFactor, options.MaxRows);
            _id = CreateIdModel(_state.ModelRows);
            try { ModelWeightsFile.Load(_id, Path.Combine(stateDirectory, IdWeightsFile)); }
            catch (Exception e) when (e is not FileNotFoundException)
            {
                throw new TrainerConfigurationException($"The trainer state in {stateDirectory} does not fit Trainer:IdModel ({e.Message.ReplaceLineEndings(" ")}); use another Trainer:StateDirectory.", e);
            }
            _id.to(_device);
            _model = Wrap(_id);
            LoadHead(Path.Combine(stateDirectory, HeadFile));
        }
        _pairs = new TextTabularPairBuilder(schema, new FeatureVocabulary(schema), BertWordPieceTokenizer.Load(_plm.Vocabulary.Source),
            new TextPairOptions { MaxLength = Math.Min(options.MaxLength, _plm.Config.MaxPositionEmbeddings) });
        _adam = new OnlineAdam(_model, options.LearningRate, Trains, name => name.StartsWith("plm.", StringComparison.Ordinal) ? options.PlmLearningRate : options.LearningRate);
        if (stateDirectory is not null)
        {
            _adam.Load(Path.Combine(stateDirectory, OptimizerFile));
            EnsureCapacity();
        }
    }

    public string Kind { get; }
    public EmbeddingRowTable Rows { get; }
    public double? MixingWeight => _mode == FlipFinetuneMode.Flip ? _model.Alpha : null;
    public PlmIdentity? Plm => new(_state.PlmSource, _state.PlmLayers, _state.PlmSha256);

    /// <summary>The finetuning model (PLM, ID side with <see cref="EmbeddingRowTable.Capacity"/> rows, CTR head, a).</summary>
    public FlipFinetuneModel Model => _model;

    /// <summary>True when the PLM started from random weights (a shape): results must say so.</summary>
    public bool PlmRandomlyInitialised => _state.PlmRandomlyInitialised;

    /// <summary>Pretraining runs applied to these weights since the model was created (saved with the state).</summary>
    public int PretrainRuns => _state.PretrainRuns;

    public float[] Score(IReadOnlyList<ClickEvent> events)
    {
        if (events.Count == 0) return [];
        var pairs = Pairs(events);
        var logits = new float[pairs.Length];
        _model.eval();
        using var noGrad = no_grad();
        for (int start = 0; start < pairs.Length; start += _options.BatchSize)
        {
            using var scope = NewDisposeScope();
            int count = Math.Min(_options.BatchSize, pairs.Length - start);
            using var batch = FlipBatch.Create(new ArraySegment<TextTabularPair>(pairs, start, count), _device);
            using var prediction = _model.call(batch);
            prediction.Logit.to(CPU).data<float>().CopyTo(logits, start);
        }
        return logits;
    }

    public void Observe(IReadOnlyList<ClickEvent> events)
    {
        foreach (var e in events) Rows.Observe(e);
        EnsureCapacity();
    }

    public void Expire(DateTime now)
    {
        var freed = Rows.Expire(now);
        if (freed.Count == 0) return;
        CtrModelRows.Reinitialise(_id, freed, _options.IdModel.EmbeddingInitStd);
        _adam.ResetRows(freed, _id.NumFeatures, IdPrefix);
    }

    public double Train(IReadOnlyList<ClickEvent> events, long window, CancellationToken cancellationToken)
    {
        if (events.Count == 0) return 0;
        var pairs = Pairs(events);
        torch.manual_seed(unchecked(_options.Seed * 7919 + window)); // dropout
        _model.train();
        var clock = Stopwatch.StartNew();
        long done = 0;
        for (int pass = 0; pass < _options.Passes; pass++)
        {
            var order = Enumerable.Range(0, pairs.Length).ToArray();
            new Random(unchecked(_options.Seed * 7919 + (int)window * 31 + pass)).Shuffle(order);
            for (int start = 0; start < order.Length; start += _options.BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var slice = order.Skip(start).Take(_options.BatchSize).Select(i => pairs[i]).ToArray();
                using var batch = FlipBatch.Create(slice, _device);
                using var prediction = _model.call(batch);
                using var loss = _model.Loss(prediction, batch.Labels);
                _adam.ZeroGrad();
                loss.backward();
                _model.Text.CollectGradients();
                _adam.StepOnce();
                _model.Text.MarkStale();
                done += slice.Length;
            }
        }
        _model.eval();
        _state.TrainedSamples += events.Count;
        return clock.Elapsed.TotalSeconds > 0 ? done / clock.Elapsed.TotalSeconds : 0;
    }

    /// <summary>
    /// FLIP pretraining (MLM + MTM + ICL, fresh heads, one pass in batches of <see cref="TrainerOptions.PretrainBatchSize"/>)
    /// of the current PLM and ID side on <paramref name="events"/>, in place; the CTR head, a and the finetuning optimizer
    /// state are kept, so finetuning goes on from the re-aligned weights.
    /// </summary>
    public FlipPretrainingReport Pretrain(IReadOnlyList<ClickEvent> events, CancellationToken cancellationToken)
    {
        var pairs = Pairs(events);
        var options = new FlipPretrainingOptions
        {
            BatchSize = _options.PretrainBatchSize, LearningRate = _options.PretrainLearningRate, Device = _device.ToString(),
            Seed = unchecked(_options.Seed + 1_000_003 * (_state.PretrainRuns + 1)),
        };
        var report = FlipPretrainRun.TrainInPlace(_plm, _id, _schema.FieldCount, NoiseOf(pairs), pairs, options, cancellation: cancellationToken);
        _state.PretrainRuns++;
        _model.eval();
        return report;
    }

    public void SaveState(string directory)
    {
        Directory.CreateDirectory(directory);
        _plm.Save(Path.Combine(directory, PlmFolder));
        ModelWeightsFile.Save(_id, Path.Combine(directory, IdWeightsFile));
        SafetensorsFile.Save(Path.Combine(directory, HeadFile), HeadTensors(_model));
        _adam.Save(Path.Combine(directory, OptimizerFile));
        Rows.Save(Path.Combine(directory, RowsFile));
        _state.ModelRows = _id.NumFeatures;
        File.WriteAllText(Path.Combine(directory, LearnerFile), JsonSerializer.Serialize(_state));
    }

    public PublishedExport Export()
    {
        var (vocabulary, rowOfId) = Rows.ToCompactVocabulary();
        var compact = CtrModelFactory.Create(_state.IdModel, vocabulary.Count, _schema.FieldCount, _options.IdModel);
        try
        {
            compact.to(_device);
            CtrModelRows.CopyCompacted(_id, compact, rowOfId);
            compact.eval();
            var wrapper = Wrap(compact);
            CopyHead(_model, wrapper);
            var manifest = new FlipCheckpointManifest
            {
                Dataset = _schema.Name, PlmSource = _state.PlmSource, PlmRandomlyInitialised = _state.PlmRandomlyInitialised,
                TrainedSamples = _state.TrainedSamples,
            };
            return new FlipExport(wrapper, compact, _plm.Vocabulary, vocabulary, manifest);
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
        _model.Text.Dispose();
        _id.Dispose();
        _plm.Dispose();
    }

    /// <summary>Text-tabular pairs of the events: the text tokenized with the PLM's vocabulary, the feature ids = the events' rows in the online id space.</summary>
    internal TextTabularPair[] Pairs(IReadOnlyList<ClickEvent> events)
    {
        var pairs = FlipData.Pairs(_pairs, events);
        for (int i = 0; i < pairs.Length; i++) Rows.Encode(events[i], pairs[i].FeatureIds);
        return pairs;
    }

    /// <summary>MTM's NCE noise over the ID side's rows: counts of the pretraining pairs; each row in use (and each field's unknown row) a candidate of its field, free rows none.</summary>
    private FeatureNoiseDistribution NoiseOf(IReadOnlyList<TextTabularPair> pairs)
    {
        var counts = new long[_id.NumFeatures];
        var fieldOf = new int[_id.NumFeatures];
        Array.Fill(fieldOf, -1);
        for (int f = 0; f < _schema.FieldCount; f++) fieldOf[Rows.UnknownRow(f)] = f;
        foreach (var (row, field, _, _) in Rows.AdmittedInRowOrder()) fieldOf[row] = field;
        foreach (var pair in pairs)
            foreach (var id in pair.FeatureIds)
                counts[id]++;
        return new FeatureNoiseDistribution(counts, fieldOf, _schema.FieldCount);
    }

    private bool Trains(string name) => _mode switch
    {
        FlipFinetuneMode.FlipId => name.StartsWith(IdPrefix, StringComparison.Ordinal),
        FlipFinetuneMode.FlipPlm => name.StartsWith("plm.", StringComparison.Ordinal) || name.StartsWith("plm_head.", StringComparison.Ordinal),
        _ => true,
    };

    /// <summary>Rebuilds the ID side with the table's capacity when it grew (every old row and weight copied) and a new finetuning model around it and the same PLM (head and a copied).</summary>
    private void EnsureCapacity()
    {
        if (Rows.Capacity <= _id.NumFeatures) return;
        torch.manual_seed(_options.Seed + Rows.Capacity);
        var grown = CreateIdModel(Rows.Capacity);
        CtrModelRows.CopyGrowing(_id, grown);
        var model = Wrap(grown);
        CopyHead(_model, model);
        var old = _id;
        _id = grown;
        // The old wrapper is not disposed: that would dispose the shared PLM; only its ID model is.
        _model = model;
        _adam.Bind(_model);
        old.Dispose();
    }

    private CtrModel CreateIdModel(int rows)
    {
        var model = CtrModelFactory.Create(_state.IdModel, rows, _schema.FieldCount, _options.IdModel);
        model.to(_device);
        model.eval();
        return model;
    }

    private FlipFinetuneModel Wrap(CtrModel id)
    {
        var model = new FlipFinetuneModel(_plm.Model, new CtrModelIdEncoder(id), _mode);
        model.eval();
        return model;
    }

    /// <summary>The finetuning head's tensors (<c>plm_head.*</c>, <c>alpha</c>): what <see cref="FlipCheckpoint.SaveFinetuned"/> writes besides the PLM and ID model.</summary>
    private static Dictionary<string, Tensor> HeadTensors(FlipFinetuneModel model) =>
        model.state_dict().Where(kv => kv.Key.StartsWith("plm_head.", StringComparison.Ordinal) || kv.Key == "alpha").ToDictionary(kv => kv.Key, kv => kv.Value);

    private static void CopyHead(FlipFinetuneModel from, FlipFinetuneModel into)
    {
        using var noGrad = no_grad();
        var target = into.state_dict();
        foreach (var (name, value) in HeadTensors(from)) target[name].copy_(value);
    }

    private void LoadHead(string path)
    {
        var saved = SafetensorsFile.Load(path);
        try
        {
            using var noGrad = no_grad();
            var target = _model.state_dict();
            foreach (var (name, value) in saved) target[name].copy_(value);
        }
        finally
        {
            foreach (var t in saved.Values) t.Dispose();
        }
    }

    /// <summary>sha256 of the PLM's initial weights file (a folder or the imported default); empty for a random shape.</summary>
    private static string InitialWeightsHash(TrainerOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.PlmShape) && string.IsNullOrWhiteSpace(options.Plm)) return "";
        var folder = string.IsNullOrWhiteSpace(options.Plm) ? Flip.Trainer.Plm.Import.DefaultPlm.EnsureImported() : options.Plm;
        var weights = Path.Combine(folder, BertCheckpoint.WeightsFile);
        if (!File.Exists(weights)) return "";
        using var stream = File.OpenRead(weights);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private sealed class LearnerState
    {
        public string Kind { get; set; } = "";
        public string IdModel { get; set; } = "dcnv2";
        public int ModelRows { get; set; }
        public string PlmSource { get; set; } = "";
        public bool PlmRandomlyInitialised { get; set; }
        public int PlmLayers { get; set; }
        public string PlmSha256 { get; set; } = "";
        public int PretrainRuns { get; set; }
        public long TrainedSamples { get; set; }
    }

    private sealed class FlipExport(FlipFinetuneModel wrapper, CtrModel compact, BertVocabulary plmVocabulary, FeatureVocabulary vocabulary,
        FlipCheckpointManifest manifest) : PublishedExport
    {
        public override long VocabularyVersion => vocabulary.Version;
        public override void WriteTo(string directory) => FlipCheckpoint.SaveFinetuned(directory, wrapper, plmVocabulary, vocabulary, manifest);

        // Only the compact ID model: the wrapper shares the learner's PLM.
        public override void Dispose() => compact.Dispose();
    }
}

/// <summary>A learner that FLIP pretraining can re-align in place (the FLIP kinds).</summary>
public interface IPretrainableLearner
{
    /// <summary>One pretraining run on <paramref name="events"/>, warm-started from the current weights, applied in place.</summary>
    FlipPretrainingReport Pretrain(IReadOnlyList<ClickEvent> events, CancellationToken cancellationToken);
}
