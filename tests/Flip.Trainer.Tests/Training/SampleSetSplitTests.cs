using Flip.FeatureStore.Store;
using Flip.Trainer.Training;

namespace Flip.Trainer.Tests.Training;

public class SampleSetSplitTests
{
    [Fact]
    public void TestIsTheLatestTenPercentAndValidationTheEndOfTrain()
    {
        var split = ChronologicalSplit.Of(1000, testFraction: 0.1, validationFraction: 0.1);
        Assert.Equal(new ChronologicalSplit(810, 90, 100), split);
        var labels = Enumerable.Range(0, 1000).Select(i => (float)(i % 2)).ToArray();
        var ids = Enumerable.Range(0, 1000).ToArray(); // one field: id = row index, to see where rows land
        var (train, validation, test) = split.Apply(new SampleSet(ids, labels, 1));
        Assert.Equal(0, train.IdsOf(0)[0]);
        Assert.Equal(809, train.IdsOf(809)[0]);
        Assert.Equal(810, validation.IdsOf(0)[0]);
        Assert.Equal(899, validation.IdsOf(89)[0]);
        Assert.Equal(900, test.IdsOf(0)[0]);
        Assert.Equal(999, test.IdsOf(99)[0]);
    }

    [Fact]
    public void ASplitForAnotherCountIsRefused()
    {
        var samples = new SampleSet(new int[999], new float[999], 1);
        Assert.Throws<ArgumentException>(() => ChronologicalSplit.Paper(1000).Apply(samples));
    }
}
