using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;
using Flip.FeatureStore.Text;
using Flip.FeatureStore.Vocabulary;
using Flip.Trainer.Alignment;
using Flip.Trainer.IdModels;
using Flip.Trainer.Plm;
using TorchSharp;

namespace Flip.Trainer.Experiments;

/// <summary>
/// FLIP pretraining runs that end in a checkpoint folder: from a fresh ID model (offline, `flip pretrain` and
/// `bench flip`), or warm-started from an existing pretrained checkpoint (a long-running trainer continuing on
/// its recent events). The caller owns the PLM passed in; the model built around it is disposed here.
/// </summary>
public static class FlipPretrainRun
{
    /// <summary>
    /// `flip pretrain`: loads <paramref name="plmSource"/>, splits <paramref name="events"/> as the paper does, pretrains a fresh
    /// <paramref name="idModel"/> with the PLM on the train pairs and writes the checkpoint to <paramref name="outDir"/>.
    /// </summary>
    public static FlipPretrainResult Run(FlipPlmSource plmSource, DatasetSchema schema, IReadOnlyList<ClickEvent> events, string idModel,
        FlipPretrainingOptions options, int maxLength, string outDir, FlipRunObserver? observer = null, CancellationToken cancellation = default)
    {
        var device = TrainingDevice.Resolve(options.Device);
        using var plm = plmSource.Load(device);
        foreach (var warning in plm.Warnings) observer?.Warning?.Invoke(warning);
        if (maxLength > plm.Config.MaxPositionEmbeddings)
            throw new ArgumentException($"the text length {maxLength} exceeds the PLM's max_position_embeddings {plm.Config.MaxPositionEmbeddings}");
        var data = FlipData.Create(schema, events, vocabulary: null, plm.Vocabulary.Source, maxLength);
        observer?.Log?.Invoke($"{events.Count:N0} events; pretraining on the train part: {data.Train.Length:N0} pairs, {data.Vocabulary.Count:N0} feature ids, {schema.FieldCount} fields.");
        var report = TrainAndSave(plm, data, idModel, options, outDir, observer?.Pretraining, cancellation: cancellation);
        return new FlipPretrainResult(report, plm.Source, plm.IsRandomlyInitialised, data.Train.Length, Path.GetFullPath(outDir));
    }

    /// <summary>A fresh <paramref name="idModel"/> and fresh heads, trained with <paramref name="plm"/> on <paramref name="data"/>'s train pairs; the checkpoint is written to <paramref name="outDir"/>.</summary>
    public static FlipPretrainingReport TrainAndSave(BertCheckpoint plm, FlipData data, string idModel, FlipPretrainingOptions options, string outDir,
        Action<FlipStepProgress>? progress = null, IdModelOptions? idModelOptions = null, CancellationToken cancellation = default)
    {
        var device = TrainingDevice.Resolve(options.Device);
        torch.manual_seed(options.Seed); // the ID model's and the heads' initialisation
        var id = CtrModelFactory.Create(idModel, data.Vocabulary.Count, data.Schema.FieldCount, idModelOptions);
        id.to(device);
        var manifest = new FlipCheckpointManifest
        {
            Dataset = data.Schema.Name, Ablation = options.Ablation.ToString(), PlmSource = plm.Source, PlmRandomlyInitialised = plm.IsRandomlyInitialised,
            Heads = options.Heads,
        };
        return TrainAndSave(plm, id, data.Schema, data.Vocabulary, data.Train, options, options.Heads, headsFrom: null, manifest, outDir, progress, cancellation);
    }

    /// <summary>
    /// Continues pretraining from the pretrained checkpoint in <paramref name="fromDir"/> (PLM, ID model, heads and their
    /// sizes, feature vocabulary) for at most <paramref name="steps"/> steps on the LATEST pairs of <paramref name="pairs"/>
    /// (one pass, learning rate cosine-decayed over those steps), and writes a new checkpoint to <paramref name="outDir"/>.
    /// The pairs must be encoded with the checkpoint's feature vocabulary (<see cref="FlipCheckpoint.Load"/>'s Id.Vocabulary);
    /// values it does not know map to their field's unknown id.
    /// </summary>
    public static FlipPretrainingReport ContinueAndSave(string fromDir, DatasetSchema schema, IReadOnlyList<TextTabularPair> pairs, int steps,
        FlipPretrainingOptions options, string outDir, Action<FlipStepProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        var device = TrainingDevice.Resolve(options.Device);
        var checkpoint = FlipCheckpoint.Load(fromDir, schema, device);
        using var plm = checkpoint.Plm;
        using var id = checkpoint.Id.Model;
        if (checkpoint.Manifest.Stage != "pretrained")
            throw new InvalidDataException($"{fromDir}: a {checkpoint.Manifest.Stage} checkpoint cannot be pretrained further (its heads are the finetuning head).");
        var take = (int)Math.Min(pairs.Count, (long)steps * options.BatchSize);
        var latest = pairs.Skip(pairs.Count - take).ToArray();
        var once = Copy(options);
        once.Epochs = 1;
        var previous = checkpoint.Manifest;
        var manifest = new FlipCheckpointManifest
        {
            Dataset = previous.Dataset, Ablation = options.Ablation.ToString(), PlmSource = previous.PlmSource,
            PlmRandomlyInitialised = previous.PlmRandomlyInitialised, Heads = previous.Heads, TrainedSamples = previous.TrainedSamples,
        };
        return TrainAndSave(plm, id, schema, checkpoint.Id.Vocabulary, latest, once, previous.Heads, fromDir, manifest, outDir, progress, cancellation);
    }

    /// <summary>
    /// Pretrains <paramref name="plm"/> and <paramref name="id"/> IN PLACE (warm start from their current weights) with fresh
    /// heads on <paramref name="pairs"/>, for a long-running trainer's periodic re-alignment; nothing is written. The pairs'
    /// feature ids index <paramref name="id"/>'s rows, and <paramref name="noise"/> covers exactly those rows (MTM's candidates).
    /// The heads are freed afterwards; the caller keeps owning the PLM and the ID model (left in eval mode).
    /// </summary>
    public static FlipPretrainingReport TrainInPlace(BertCheckpoint plm, CtrModel id, int fieldCount, FeatureNoiseDistribution noise,
        IReadOnlyList<TextTabularPair> pairs, FlipPretrainingOptions options, Action<FlipStepProgress>? progress = null, CancellationToken cancellation = default)
    {
        if (noise.VocabularySize != id.NumFeatures)
            throw new ArgumentException($"the noise distribution covers {noise.VocabularySize} ids, the ID model has {id.NumFeatures} rows", nameof(noise));
        torch.manual_seed(options.Seed); // the heads' initialisation
        // Not disposed as a whole: that would dispose the caller's PLM and ID model with it; its own heads are freed below.
        var model = new FlipPretrainingModel(plm.Model, new CtrModelIdEncoder(id), fieldCount, id.NumFeatures,
            FlipObjectives.For(options.Ablation), options.Heads, options.Bf16);
        try
        {
            model.InitializeNceBias(noise);
            return new FlipPretrainer(model, noise, plm.Vocabulary.MaskId, options).Train(pairs, progress, cancellation);
        }
        finally
        {
            model.MlmHead.Dispose();
            model.MtmHead.Dispose();
            model.IclHead.Dispose();
            model.Text.Dispose();
            plm.Model.eval();
            id.eval();
        }
    }

    static FlipPretrainingReport TrainAndSave(BertCheckpoint plm, CtrModel id, DatasetSchema schema, FeatureVocabulary vocabulary,
        IReadOnlyList<TextTabularPair> pairs, FlipPretrainingOptions options, FlipHeadOptions heads, string? headsFrom, FlipCheckpointManifest manifest,
        string outDir, Action<FlipStepProgress>? progress, CancellationToken cancellation)
    {
        using var model = new FlipPretrainingModel(plm.Model, new CtrModelIdEncoder(id), schema.FieldCount, vocabulary.Count,
            FlipObjectives.For(options.Ablation), heads, options.Bf16);
        // q from the pairs pretraining sees (the train part), not from the vocabulary's train + validation counts.
        var noise = FeatureNoiseDistribution.FromPairs(vocabulary, pairs);
        if (headsFrom is not null) FlipCheckpoint.LoadHeads(headsFrom, model);
        else model.InitializeNceBias(noise);
        var report = new FlipPretrainer(model, noise, plm.Vocabulary.MaskId, options).Train(pairs, progress, cancellation);
        manifest.TrainedSamples += report.Samples;
        FlipCheckpoint.SavePretrained(outDir, model, plm.Vocabulary, vocabulary, manifest);
        return report;
    }

    static FlipPretrainingOptions Copy(FlipPretrainingOptions o) => new()
    {
        Epochs = o.Epochs, BatchSize = o.BatchSize, LearningRate = o.LearningRate, WeightDecay = o.WeightDecay, TextMaskRatio = o.TextMaskRatio,
        TabularMaskRatio = o.TabularMaskRatio, Ablation = o.Ablation, Device = o.Device, Bf16 = o.Bf16, MaxGradNorm = o.MaxGradNorm, Seed = o.Seed, Heads = o.Heads,
    };
}

/// <summary>What `flip pretrain` did: the trainer's report, where the PLM came from, how many pairs, where the checkpoint is.</summary>
public sealed record FlipPretrainResult(FlipPretrainingReport Report, string Plm, bool PlmRandomlyInitialised, int Pairs, string Checkpoint);
