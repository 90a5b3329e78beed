using Flip.FeatureStore.Errors;
using Flip.FeatureStore.Store;

namespace Flip.FeatureStore.Tests.Store;

/// <summary>The one split (trainer rounding: floors of the test and validation cuts), merged from the two earlier ones' tests.</summary>
public class ChronologicalSplitTests
{
    [Theory]
    [InlineData(1000, 810, 90, 100)]
    [InlineData(360_434, 291_951, 32_439, 36_044)] // MovieLens-1M after the label rule: floor(324,390.6) = 324,390 before test
    [InlineData(20, 17, 1, 2)]
    [InlineData(100, 81, 9, 10)]
    public void Test_is_the_rest_after_the_floor_and_validation_the_floor_of_the_train_part(int total, int train, int validation, int test)
    {
        Assert.Equal(new ChronologicalSplit(train, validation, test), ChronologicalSplit.Of(total, 0.1, 0.1));
        Assert.Equal(ChronologicalSplit.Of(total, 0.1, 0.1), ChronologicalSplit.Paper(total));
    }

    [Fact]
    public void Test_is_the_latest_ten_percent_and_validation_the_end_of_train()
    {
        var split = ChronologicalSplit.Of(1000, testFraction: 0.1, validationFraction: 0.1);
        var (train, validation, test) = split.Apply(Enumerable.Range(0, 1000).ToArray());
        Assert.Equal(Enumerable.Range(0, 810), train);
        Assert.Equal(Enumerable.Range(810, 90), validation);
        Assert.Equal(Enumerable.Range(900, 100), test);
        Assert.Equal(900, split.TrainAllCount);
        Assert.Equal(1000, split.Total);
    }

    [Fact]
    public void Parts_keep_the_order_of_a_list()
    {
        var (train, validation, test) = ChronologicalSplit.Paper(20).Apply(Enumerable.Range(100, 20).ToList());
        Assert.Equal(Enumerable.Range(100, 17), train);
        Assert.Equal([117], validation);
        Assert.Equal([118, 119], test);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(10)] // floor(9 * 0.1) = 0: no validation sample
    [InlineData(0)]
    public void Too_few_samples_are_bad_input(int total)
    {
        var e = Assert.Throws<UserInputException>(() => ChronologicalSplit.Of(total, 0.1, 0.1));
        Assert.Contains($"{total} samples are too few", e.Message);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Fractions_outside_the_open_unit_interval_are_refused(double fraction)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ChronologicalSplit.Of(1000, fraction, 0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ChronologicalSplit.Of(1000, 0.1, fraction));
    }

    [Fact]
    public void Applying_to_a_different_count_is_refused()
    {
        Assert.Throws<ArgumentException>(() => ChronologicalSplit.Paper(1000).Apply(new int[999]));
    }
}
