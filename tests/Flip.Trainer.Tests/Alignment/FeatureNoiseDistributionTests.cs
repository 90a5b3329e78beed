using Flip.FeatureStore.Schema;
using Flip.FeatureStore.Vocabulary;
using Flip.Trainer.Alignment;

namespace Flip.Trainer.Tests.Alignment;

public sealed class FeatureNoiseDistributionTests
{
    [Fact]
    public void FromVocabularyUsesItsCountsAndFields()
    {
        var schema = new DatasetSchema("two",
            [new("user", "user"), new("genre", "genre")], new LabelRule(3));
        var vocabulary = new FeatureVocabulary(schema);
        var drama = vocabulary.Observe(1, "drama");
        vocabulary.Observe(1, "drama");
        vocabulary.Observe(1, "drama");
        var comedy = vocabulary.Observe(1, "comedy");
        var alice = vocabulary.Observe(0, "alice");

        var noise = FeatureNoiseDistribution.FromVocabulary(vocabulary, smoothing: 0);

        Assert.Equal(0.75, noise.ProbabilityOf(drama), 9);
        Assert.Equal(0.25, noise.ProbabilityOf(comedy), 9);
        Assert.Equal(1.0, noise.ProbabilityOf(alice), 9);
        Assert.Equal(0, noise.ProbabilityOf(FeatureVocabulary.MaskId));
        var random = new Random(1);
        Assert.All(Enumerable.Range(0, 100), _ => Assert.Contains(noise.SampleFromField(1, random), new[] { drama, comedy }));
    }
}
