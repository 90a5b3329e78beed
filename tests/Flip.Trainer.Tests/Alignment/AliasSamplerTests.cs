using Flip.Trainer.Alignment;

namespace Flip.Trainer.Tests.Alignment;

public sealed class AliasSamplerTests
{
    [Fact]
    public void DrawsFollowTheWeights()
    {
        double[] weights = [1, 0, 2, 3, 4, 0.5];
        var sampler = new AliasSampler(weights);
        var random = new Random(7);
        const int draws = 200_000;
        var counts = new int[weights.Length];
        for (var i = 0; i < draws; i++) counts[sampler.Sample(random)]++;

        var total = weights.Sum();
        for (var i = 0; i < weights.Length; i++)
        {
            Assert.Equal(weights[i] / total, sampler.Probabilities[i], 12);
            Assert.InRange((double)counts[i] / draws, weights[i] / total - 0.005, weights[i] / total + 0.005);
        }
        Assert.Equal(0, counts[1]);
    }

    [Fact]
    public void RejectsInvalidWeights()
    {
        Assert.Throws<ArgumentException>(() => new AliasSampler([]));
        Assert.Throws<ArgumentException>(() => new AliasSampler([0, 0]));
        Assert.Throws<ArgumentException>(() => new AliasSampler([1, -1]));
    }

    [Fact]
    public void NoiseDistributionSamplesWithinTheFieldByFrequency()
    {
        var noise = SyntheticPairs.Noise();
        var random = new Random(3);
        var counts = new Dictionary<int, int>();
        for (var i = 0; i < 60_000; i++)
        {
            var id = noise.SampleFromField(2, random);
            counts[id] = counts.GetValueOrDefault(id) + 1;
        }
        Assert.All(counts.Keys, id => Assert.InRange(id, SyntheticPairs.FeatureId(2, 0), SyntheticPairs.FeatureId(2, 4)));
        // Counts 10,20,...,50 plus smoothing 1 each: q(value 4) = 51/155.
        Assert.Equal(51.0 / 155, noise.ProbabilityOf(SyntheticPairs.FeatureId(2, 4)), 12);
        Assert.InRange(counts[SyntheticPairs.FeatureId(2, 4)] / 60_000.0, 51.0 / 155 - 0.01, 51.0 / 155 + 0.01);
        Assert.Equal(0, noise.ProbabilityOf(1));
    }
}
