namespace Flip.Trainer.Evaluation;

/// <summary>Exact metrics of click predictions against 0/1 labels.</summary>
public static class BinaryMetrics
{
    /// <summary>Probabilities are clipped to [ε, 1−ε] before the log (same ε as scikit-learn's float32 default).</summary>
    public const double LogLossEpsilon = 1e-7;

    /// <summary>
    /// Exact ROC AUC by the rank-sum (Mann–Whitney U) formula; tied scores get the average of their ranks,
    /// so a tie between a positive and a negative counts one half. Throws when only one class is present.
    /// </summary>
    public static double RocAuc(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        CheckLengths(scores.Length, labels.Length);
        int n = scores.Length;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var keys = scores.ToArray();
        Array.Sort(keys, order);

        long positives = 0;
        double positiveRankSum = 0;
        int start = 0;
        while (start < n)
        {
            int end = start;
            while (end + 1 < n && keys[end + 1] == keys[start]) end++;
            // Ranks are 1-based; the tied block [start, end] shares the average rank.
            double averageRank = (start + end) / 2.0 + 1.0;
            for (int k = start; k <= end; k++)
            {
                if (IsPositive(labels[order[k]]))
                {
                    positives++;
                    positiveRankSum += averageRank;
                }
            }
            start = end + 1;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0)
            throw new ArgumentException($"AUC needs both classes; got {positives} positives and {negatives} negatives.", nameof(labels));
        double u = positiveRankSum - positives * (positives + 1) / 2.0;
        return u / ((double)positives * negatives);
    }

    /// <summary>Mean binary cross-entropy of probabilities (clipped to [ε, 1−ε]) against labels.</summary>
    public static double LogLoss(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> labels)
    {
        CheckLengths(probabilities.Length, labels.Length);
        if (probabilities.Length == 0) throw new ArgumentException("Log loss of no samples is undefined.", nameof(probabilities));
        double sum = 0;
        for (int i = 0; i < probabilities.Length; i++)
        {
            double p = Math.Clamp(probabilities[i], LogLossEpsilon, 1 - LogLossEpsilon);
            sum -= IsPositive(labels[i]) ? Math.Log(p) : Math.Log(1 - p);
        }
        return sum / probabilities.Length;
    }

    private static bool IsPositive(float label) => label switch
    {
        1f => true,
        0f => false,
        _ => throw new ArgumentException($"Labels must be 0 or 1 (got {label})."),
    };

    private static void CheckLengths(int a, int b)
    {
        if (a != b) throw new ArgumentException($"Predictions ({a}) and labels ({b}) differ in length.");
    }
}
