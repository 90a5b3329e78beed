using System.Globalization;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;
using Flip.Trainer.Alignment;
using Flip.Trainer.Training;

namespace Flip.Trainer.Experiments;

/// <summary>Callbacks of a FLIP run, all optional: one-line status messages, pretraining steps, finetuning steps.</summary>
public sealed class FlipRunObserver
{
    /// <summary>A status line (plain text).</summary>
    public Action<string>? Log { get; init; }
    /// <summary>A warning that must be seen (e.g. a randomly initialised PLM).</summary>
    public Action<string>? Warning { get; init; }
    public Action<FlipStepProgress>? Pretraining { get; init; }
    public Action<FlipFinetuneStep>? Finetuning { get; init; }
}

/// <summary>
/// The FLIP counterpart of <see cref="IdExperiment"/> (`bench flip`): on one chronological split of the same events
/// (vocabulary from train + validation, validation = end of train, test = latest 10%, never used for selection),
/// the ID model from scratch, then ONE FLIP pretraining run (that ID model as FLIP's ID side) feeding the three
/// finetuning modes FLIP_ID, FLIP_PLM and FLIP, each from the same pretrained weights.
/// </summary>
public static class FlipExperiment
{
    static readonly (FlipFinetuneMode Mode, string Name)[] Modes =
        [(FlipFinetuneMode.FlipId, "FLIP_ID"), (FlipFinetuneMode.FlipPlm, "FLIP_PLM"), (FlipFinetuneMode.Flip, "FLIP")];

    public static FlipExperimentResult Run(DatasetSchema schema, IReadOnlyList<ClickEvent> events, FlipExperimentOptions options,
        FlipRunObserver? observer = null, CancellationToken cancellation = default)
    {
        observer ??= new FlipRunObserver();
        var checkpointDir = options.CheckpointDirectory ?? Path.Combine(Path.GetTempPath(), $"flip-experiment-{Guid.NewGuid():N}");
        try
        {
            // 1. The ID model from scratch: the ID harness (vocabulary from the train part, best epoch on validation AUC).
            var scratch = IdExperiment.Run(options.IdModel, schema, events, options.IdTraining, options.IdModelOptions, cancellation: cancellation);
            FlipExperimentRow baseline;
            using (scratch.Model)
            {
                var (_, _, scratchTest) = scratch.Split.Apply(EncodedDataset.Encode(events, scratch.Vocabulary));
                var scratchScores = IdModelEvaluator.PredictLogits(scratch.Model, scratchTest, options.IdTraining.EvaluationBatchSize);
                baseline = new FlipExperimentRow($"{DisplayName(scratch.ModelName)} (from scratch)", scratch.Test.Auc, scratch.Test.LogLoss,
                    scratch.Training.BestValidation.Auc, null, scratch.Training.TrainSamplesPerSecond, scratch.Test.SamplesPerSecond, null,
                    $"{scratch.Training.EpochsRun} (best {scratch.Training.BestEpoch})") { TestScores = scratchScores };
            }
            observer.Log?.Invoke($"{baseline.Model}: test AUC {baseline.TestAuc.ToString("F4", CultureInfo.InvariantCulture)}, logloss {baseline.TestLogLoss.ToString("F4", CultureInfo.InvariantCulture)}");

            // 2. One FLIP pretraining on the same split's train pairs (the device is resolved after the ID run configured torch).
            var device = TrainingDevice.Resolve(options.Pretraining.Device);
            FlipPretrainingReport pretrain;
            string plmSource;
            bool randomPlm;
            FlipData data;
            using (var plm = options.Plm.Load(device))
            {
                foreach (var warning in plm.Warnings) observer.Warning?.Invoke(warning);
                if (options.MaxLength > plm.Config.MaxPositionEmbeddings)
                    throw new ArgumentException($"the text length {options.MaxLength} exceeds the PLM's max_position_embeddings {plm.Config.MaxPositionEmbeddings}");
                (plmSource, randomPlm) = (plm.Source, plm.IsRandomlyInitialised);
                data = FlipData.Create(schema, events, vocabulary: null, plm.Vocabulary.Source, options.MaxLength);
                if (data.Split != scratch.Split || data.Vocabulary.Count != scratch.Vocabulary.Count)
                    throw new InvalidOperationException("FLIP and the ID model from scratch must share the split and vocabulary");
                observer.Log?.Invoke($"{events.Count:N0} events: train {data.Train.Length:N0}, validation {data.Validation.Length:N0}, test {data.Test.Length:N0}; pretraining...");
                pretrain = FlipPretrainRun.TrainAndSave(plm, data, options.IdModel, options.Pretraining, checkpointDir, observer.Pretraining,
                    options.IdModelOptions, cancellation);
            }
            if (randomPlm) observer.Warning?.Invoke($"PLM RANDOMLY INITIALISED ({plmSource}): FLIP_PLM and FLIP are not comparable to the paper.");

            // 3. Each finetuning mode starts from the same pretrained weights.
            var rows = new List<FlipExperimentRow> { baseline };
            foreach (var (mode, name) in Modes)
            {
                var checkpoint = FlipCheckpoint.Load(checkpointDir, schema, device);
                using var loadedPlm = checkpoint.Plm;
                using var loadedId = checkpoint.Id.Model;
                var finetuning = WithMode(options.Finetuning, mode);
                var o = FlipFinetuneRun.Run(checkpoint, data, finetuning, observer.Finetuning, cancellation: cancellation);
                rows.Add(new FlipExperimentRow(name, o.TestAuc, o.TestLogLoss, o.Report.ValidationAuc, pretrain.SamplesPerSecond, o.TrainSamplesPerSecond,
                    o.InferenceSamplesPerSecond, mode == FlipFinetuneMode.Flip ? o.Report.Alpha : null, $"{o.Report.EpochsRun} (best {o.Report.BestEpoch})") { TestScores = o.TestPredictions });
                observer.Log?.Invoke($"{name}: test AUC {o.TestAuc.ToString("F4", CultureInfo.InvariantCulture)}, logloss {o.TestLogLoss.ToString("F4", CultureInfo.InvariantCulture)}");
            }
            return new FlipExperimentResult(schema.Name, pretrain.Device, plmSource, randomPlm, events.Count, data.Split, data.Vocabulary.Count, pretrain, rows)
            {
                TestLabels = data.Test.Select(p => (float)p.Label).ToArray(),
            };
        }
        finally
        {
            if (Directory.Exists(checkpointDir)) Directory.Delete(checkpointDir, recursive: true);
        }
    }

    static string DisplayName(string model) => model == "dcnv2" ? "DCNv2" : model;

    static FlipFinetuningOptions WithMode(FlipFinetuningOptions o, FlipFinetuneMode mode)
    {
        var copy = OptionsCopy.Of(o);
        copy.Mode = mode;
        return copy;
    }
}
