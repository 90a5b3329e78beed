using Flip.FeatureStore.Store;
using Flip.Trainer.Alignment;
using Flip.Trainer.Training;

namespace Flip.Trainer.Experiments;

/// <summary>One row of a FLIP experiment (null where a figure does not apply, e.g. no pretraining for the ID model from scratch).</summary>
public sealed record FlipExperimentRow(string Model, double TestAuc, double TestLogLoss, double? ValidationAuc, double? PretrainSamplesPerSecond,
    double FinetuneSamplesPerSecond, double InferenceSamplesPerSecond, double? Alpha, string Epochs)
{
    /// <summary>The model's test scores (probabilities or logits: AUC only needs their order), aligned with <see cref="FlipExperimentResult.TestLabels"/>.</summary>
    public float[] TestScores { get; init; } = [];
}

/// <summary>What <see cref="FlipExperiment.Run"/> measured: the shared split and vocabulary, the pretraining run and one row per model.</summary>
public sealed record FlipExperimentResult(
    string Dataset,
    string Device,
    string Plm,
    bool PlmRandomlyInitialised,
    int Events,
    ChronologicalSplit Split,
    int VocabularySize,
    FlipPretrainingReport Pretraining,
    IReadOnlyList<FlipExperimentRow> Rows)
{
    /// <summary>Labels of the test part, in time order (every row's <see cref="FlipExperimentRow.TestScores"/> follows it).</summary>
    public float[] TestLabels { get; init; } = [];
}
