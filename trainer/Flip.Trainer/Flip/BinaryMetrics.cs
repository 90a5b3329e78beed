namespace Flip.Trainer.Flip;

/// <summary>AUC and log loss of click probabilities, the paper's two metrics.</summary>
public static class BinaryMetrics
{
    /// <summary>Area under the ROC curve via the rank-sum statistic (ties get average ranks); NaN with one class only.</summary>
    public static double Auc(IReadOnlyList<byte> labels, IReadOnlyList<float> scores)
    {
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double positives = labels.Count(l => l == 1), negatives = labels.Count - positives;
        if (positives == 0 || negatives == 0) return double.NaN;
        double rankSum = 0;
        for (var i = 0; i < order.Length;)
        {
            var j = i;
            while (j + 1 < order.Length && scores[order[j + 1]] == scores[order[i]]) j++;
            var averageRank = (i + j) / 2.0 + 1;
            for (var k = i; k <= j; k++) if (labels[order[k]] == 1) rankSum += averageRank;
            i = j + 1;
        }
        return (rankSum - positives * (positives + 1) / 2) / (positives * negatives);
    }

    public static double LogLoss(IReadOnlyList<byte> labels, IReadOnlyList<float> probabilities)
    {
        const double eps = 1e-7;
        double sum = 0;
        for (var i = 0; i < labels.Count; i++)
        {
            var p = Math.Clamp(probabilities[i], eps, 1 - eps);
            sum -= labels[i] == 1 ? Math.Log(p) : Math.Log(1 - p);
        }
        return sum / labels.Count;
    }
}
