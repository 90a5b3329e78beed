namespace Flip.Trainer.Training;

/// <summary>Metrics of a model on one sample set.</summary>
/// <param name="Auc">Exact ROC AUC.</param>
/// <param name="LogLoss">Mean clipped binary cross-entropy.</param>
/// <param name="Count">Samples scored.</param>
/// <param name="SamplesPerSecond">Inference throughput of the scoring pass.</param>
public sealed record EvaluationResult(double Auc, double LogLoss, int Count, double SamplesPerSecond);
