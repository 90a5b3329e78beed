using Flip.Trainer.Evaluation;

namespace Flip.Scorer.Quality;

/// <summary>The newest <c>capacity</c> (score, label) pairs of one model version, and their AUC, log loss and calibration.</summary>
internal sealed class LabelledScores(int capacity)
{
    private readonly float[] _scores = new float[capacity];
    private readonly float[] _labels = new float[capacity];
    private int _next;

    public long Total { get; private set; }
    public int Count => (int)Math.Min(Total, capacity);

    public void Add(double score, byte label)
    {
        _scores[_next] = (float)score;
        _labels[_next] = label;
        _next = (_next + 1) % capacity;
        Total++;
    }

    /// <summary>AUC (NaN while only one class was seen), log loss, and mean score / click rate (NaN without clicks).</summary>
    public (double Auc, double LogLoss, double Calibration) Measure()
    {
        int n = Count;
        if (n == 0) return (double.NaN, double.NaN, double.NaN);
        var scores = _scores.AsSpan(0, n);
        var labels = _labels.AsSpan(0, n);
        double positives = 0, sum = 0;
        for (int i = 0; i < n; i++)
        {
            positives += labels[i];
            sum += scores[i];
        }
        double auc = positives > 0 && positives < n ? BinaryMetrics.RocAuc(scores, labels) : double.NaN;
        double calibration = positives > 0 ? sum / positives : double.NaN;
        return (auc, BinaryMetrics.LogLoss(scores, labels), calibration);
    }
}
