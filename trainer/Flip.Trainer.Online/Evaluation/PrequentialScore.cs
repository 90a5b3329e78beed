using Flip.FeatureStore.Events;
using Flip.Trainer.Evaluation;

namespace Flip.Trainer.Online;

/// <summary>
/// The prequential (test-then-train) evaluation of one window, from the logits the model gave the window's events
/// before it trained on them. <see cref="Auc"/> is null when the window holds one class only; <see cref="Calibration"/>
/// is mean prediction / observed click rate (0 when the window has no click).
/// </summary>
public sealed record PrequentialScore(long Count, double? Auc, double Logloss, double MeanPrediction, double ObservedRate)
{
    public double Calibration => ObservedRate > 0 ? MeanPrediction / ObservedRate : 0;

    public static PrequentialScore Of(IReadOnlyList<ClickEvent> events, float[] logits)
    {
        if (events.Count != logits.Length) throw new ArgumentException($"{logits.Length} logits for {events.Count} events.", nameof(logits));
        if (events.Count == 0) throw new ArgumentException("A window without events has no score.", nameof(events));
        var labels = new float[events.Count];
        var probabilities = new float[events.Count];
        double sumP = 0, sumY = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = events[i].Label;
            probabilities[i] = 1f / (1f + MathF.Exp(-logits[i]));
            sumP += probabilities[i];
            sumY += labels[i];
        }
        // AUC on logits: sigmoid in float32 would create ties among confident scores.
        double? auc = sumY > 0 && sumY < labels.Length ? BinaryMetrics.RocAuc(logits, labels) : null;
        return new PrequentialScore(labels.Length, auc, BinaryMetrics.LogLoss(probabilities, labels), sumP / labels.Length, sumY / labels.Length);
    }
}
