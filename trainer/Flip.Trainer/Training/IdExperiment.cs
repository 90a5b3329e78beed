using System.Diagnostics;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;
using Flip.FeatureStore.Store;
using Flip.FeatureStore.Vocabulary;
using Flip.Trainer.IdModels;

namespace Flip.Trainer.Training;

/// <summary>Everything one offline run produced. The caller owns (disposes) <see cref="Model"/>.</summary>
public sealed record IdExperimentResult(
    string ModelName,
    string Dataset,
    CtrModel Model,
    FeatureVocabulary Vocabulary,
    ChronologicalSplit Split,
    TrainingResult Training,
    EvaluationResult Test,
    long ParameterCount,
    double TrainSeconds);

/// <summary>
/// The paper's offline protocol on time-ordered events: chronological split (test = latest share, validation = end
/// of train), vocabulary built from the train part only (test values never seen in training map to unknown ids),
/// train with early stopping on validation AUC, then one evaluation on test.
/// </summary>
public static class IdExperiment
{
    public static IdExperimentResult Run(string modelName, DatasetSchema schema, IReadOnlyList<ClickEvent> events,
        IdTrainingOptions training, IdModelOptions? modelOptions = null, VocabularyOptions? vocabularyOptions = null,
        Action<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        training.Validate();
        var split = ChronologicalSplit.Of(events.Count, training.TestFraction, training.ValidationFraction);
        var vocabulary = FeatureVocabulary.Build(schema, events.Take(split.TrainAllCount), vocabularyOptions);
        var (train, validation, test) = split.Apply(EncodedDataset.Encode(events, vocabulary));

        IdModelTrainer.PrepareTorch(training);
        var model = CtrModelFactory.Create(modelName, vocabulary.Count, schema.FieldCount, modelOptions);
        try
        {
            var clock = Stopwatch.StartNew();
            var result = new IdModelTrainer(training).Train(model, train, validation, progress, cancellation);
            double seconds = clock.Elapsed.TotalSeconds;
            var testResult = IdModelEvaluator.Evaluate(model, test, training.EvaluationBatchSize);
            return new IdExperimentResult(model.ModelName, schema.Name, model, vocabulary, split, result, testResult, model.ParameterCount(), seconds);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// <see cref="Run"/> on everything <paramref name="store"/> holds, read back in event-time order (the demo's last step:
    /// the events the ingest worker made durable).
    /// </summary>
    public static IdExperimentResult RunOnStore(string modelName, ParquetEventStore store, IdTrainingOptions training,
        Action<TrainingProgress>? progress = null, CancellationToken cancellation = default) =>
        Run(modelName, store.Schema, store.ReadAll().ToList(), training, progress: progress, cancellation: cancellation);
}
