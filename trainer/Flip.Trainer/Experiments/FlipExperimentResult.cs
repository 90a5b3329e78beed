using Flip.Trainer.Alignment;
using Flip.Trainer.Training;

namespace Flip.Trainer.Experiments;

/// <summary>One row of a FLIP experiment (null where a figure does not apply, e.g. no pretraining for the ID model from scratch).</summary>
public sealed record FlipExperimentRow(string Model, double TestAuc, double TestLogLoss, double? ValidationAuc, double? PretrainSamplesPerSecond,
    double FinetuneSamplesPerSecond, double InferenceSamplesPerSecond, double? Alpha, string Epochs);

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
    IReadOnlyList<FlipExperimentRow> Rows);
