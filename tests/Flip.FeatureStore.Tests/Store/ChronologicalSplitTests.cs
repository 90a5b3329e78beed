using Flip.FeatureStore.Store;

namespace Flip.FeatureStore.Tests.Store;

public class ChronologicalSplitTests
{
    [Theory]
    [InlineData(10, 0.9, 9)]
    [InlineData(360_434, 0.9, 324_390)] // MovieLens-1M subset after the label rule: floor(324,390.6)
    [InlineData(1, 0.9, 0)]
    [InlineData(0, 0.9, 0)]
    [InlineData(7, 0.5, 3)]
    [InlineData(100, 0.8, 80)]
    public void Train_is_the_floor_of_count_times_fraction(int count, double fraction, int expectedTrain)
    {
        var items = Enumerable.Range(0, count).ToArray();
        var (train, test) = ChronologicalSplit.Split(items, fraction);
        Assert.Equal(expectedTrain, train.Count);
        Assert.Equal(count - expectedTrain, test.Count);
        Assert.Equal(expectedTrain, ChronologicalSplit.TrainCount(count, fraction));
    }

    [Fact]
    public void Train_is_the_beginning_and_test_the_end_in_order()
    {
        var items = Enumerable.Range(100, 20).ToList();
        var (train, test) = ChronologicalSplit.Split(items, ChronologicalSplit.PaperTrainFraction);
        Assert.Equal(Enumerable.Range(100, 18), train);
        Assert.Equal([118, 119], test);
    }

    [Fact]
    public void Validation_is_carved_from_the_end_of_train()
    {
        var (train, test) = ChronologicalSplit.Split(Enumerable.Range(0, 1000).ToArray(), 0.9);
        var (fit, validation) = ChronologicalSplit.ValidationFromEnd(train, 0.1);
        Assert.Equal(Enumerable.Range(0, 810), fit);
        Assert.Equal(Enumerable.Range(810, 90), validation);
        Assert.Equal(Enumerable.Range(900, 100), test);
    }

    [Theory]
    [InlineData(10, 0.1, 1)]
    [InlineData(9, 0.1, 1)]   // ceil(0.9): a small share never leaves validation empty
    [InlineData(0, 0.1, 0)]
    [InlineData(20, 0.25, 5)]
    public void Validation_size_is_count_minus_floor_of_the_rest(int count, double fraction, int expectedValidation)
    {
        var (fit, validation) = ChronologicalSplit.ValidationFromEnd(Enumerable.Range(0, count).ToList(), fraction);
        Assert.Equal(expectedValidation, validation.Count);
        Assert.Equal(count - expectedValidation, fit.Count);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Fractions_outside_the_open_unit_interval_are_refused(double fraction)
    {
        var items = new[] { 1, 2, 3 };
        Assert.Throws<ArgumentOutOfRangeException>(() => ChronologicalSplit.Split(items, fraction));
        Assert.Throws<ArgumentOutOfRangeException>(() => ChronologicalSplit.ValidationFromEnd(items, fraction));
    }
}
