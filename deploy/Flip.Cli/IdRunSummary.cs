using Flip.Trainer.Training;

namespace Flip.Cli;

/// <summary>One epoch as printed and serialised.</summary>
internal sealed record IdEpochSummary(int Epoch, double TrainLoss, double ValidationAuc, double ValidationLogLoss, double TrainSamplesPerSecond);

/// <summary>What `train id` and `bench id` report for one model (also their JSON shape).</summary>
internal sealed record IdRunSummary(
    string Model, string Dataset, int TrainSamples, int ValidationSamples, int TestSamples, int VocabularySize,
    long Parameters, int RepresentationSize, int EpochsRun, int BestEpoch,
    double ValidationAuc, double ValidationLogLoss, double TestAuc, double TestLogLoss,
    double TrainSamplesPerSecond, double InferenceSamplesPerSecond, double TrainSeconds,
    int BatchSize, double LearningRate, int Seed, IReadOnlyList<IdEpochSummary> Epochs)
{
    public static IdRunSummary From(IdExperimentResult r, IdTrainingOptions o) => new(
        r.ModelName, r.Dataset, r.Split.TrainCount, r.Split.ValidationCount, r.Split.TestCount, r.Vocabulary.Count,
        r.ParameterCount, r.Model.RepresentationSize, r.Training.EpochsRun, r.Training.BestEpoch,
        r.Training.BestValidation.Auc, r.Training.BestValidation.LogLoss, r.Test.Auc, r.Test.LogLoss,
        r.Training.TrainSamplesPerSecond, r.Test.SamplesPerSecond, r.TrainSeconds,
        o.BatchSize, o.LearningRate, o.Seed,
        r.Training.Epochs.Select(e => new IdEpochSummary(e.Epoch, e.TrainLoss, e.Validation.Auc, e.Validation.LogLoss, e.TrainSamplesPerSecond)).ToList());
}
