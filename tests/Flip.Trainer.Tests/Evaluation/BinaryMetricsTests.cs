using Flip.Trainer.Evaluation;

namespace Flip.Trainer.Tests.Evaluation;

public class BinaryMetricsTests
{
    [Fact]
    public void AucCountsCorrectlyOrderedPairs()
    {
        // Pairs (pos, neg): (0.35,0.1) ok, (0.35,0.4) wrong, (0.8,0.1) ok, (0.8,0.4) ok -> 3/4.
        Assert.Equal(0.75, BinaryMetrics.RocAuc([0.1f, 0.4f, 0.35f, 0.8f], [0f, 0f, 1f, 1f]), 12);
    }

    [Fact]
    public void AucCountsATiedPositiveNegativePairAsOneHalf()
    {
        // Positives {0.5, 0.9}, negatives {0.5, 0.2}: 0.5 + 1 + 1 + 1 = 3.5 of 4 pairs.
        Assert.Equal(0.875, BinaryMetrics.RocAuc([0.5f, 0.5f, 0.2f, 0.9f], [1f, 0f, 0f, 1f]), 12);
    }

    [Fact]
    public void AucOfAllTiedScoresIsOneHalf()
    {
        Assert.Equal(0.5, BinaryMetrics.RocAuc([0.3f, 0.3f, 0.3f, 0.3f, 0.3f], [1f, 0f, 1f, 0f, 0f]), 12);
    }

    [Fact]
    public void AucIsOneForPerfectAndZeroForReversedRanking()
    {
        Assert.Equal(1.0, BinaryMetrics.RocAuc([-2f, -1f, 3f], [0f, 0f, 1f]), 12);
        Assert.Equal(0.0, BinaryMetrics.RocAuc([2f, 1f, -3f], [0f, 0f, 1f]), 12);
    }

    [Fact]
    public void AucMatchesPairCountingOnRandomScoresWithManyTies()
    {
        var rng = new Random(11);
        var scores = Enumerable.Range(0, 500).Select(_ => (float)rng.Next(20)).ToArray();
        var labels = Enumerable.Range(0, 500).Select(_ => rng.NextDouble() < 0.3 ? 1f : 0f).ToArray();
        double wins = 0, pairs = 0;
        for (int i = 0; i < scores.Length; i++)
            for (int j = 0; j < scores.Length; j++)
                if (labels[i] == 1 && labels[j] == 0)
                {
                    pairs++;
                    wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                }
        Assert.Equal(wins / pairs, BinaryMetrics.RocAuc(scores, labels), 12);
    }

    [Fact]
    public void AucNeedsBothClasses()
    {
        Assert.Throws<ArgumentException>(() => BinaryMetrics.RocAuc([0.1f, 0.2f], [1f, 1f]));
        Assert.Throws<ArgumentException>(() => BinaryMetrics.RocAuc([0.1f, 0.2f], [1f, 2f]));
        Assert.Throws<ArgumentException>(() => BinaryMetrics.RocAuc([0.1f], [1f, 0f]));
    }

    [Fact]
    public void LogLossIsMeanCrossEntropy()
    {
        // -(ln 0.9 + ln 0.8) / 2
        Assert.Equal(0.164252033486018, BinaryMetrics.LogLoss([0.9f, 0.2f], [1f, 0f]), 6);
    }

    [Fact]
    public void LogLossClipsCertainMistakes()
    {
        // A certain miss costs -ln(1e-7) instead of infinity; a certain hit costs ~1e-7.
        Assert.Equal(-Math.Log(1e-7), BinaryMetrics.LogLoss([0f], [1f]), 6);
        Assert.Equal(-Math.Log(1e-7), BinaryMetrics.LogLoss([1f], [0f]), 6);
        Assert.Equal(0.0, BinaryMetrics.LogLoss([1f], [1f]), 6);
    }
}
