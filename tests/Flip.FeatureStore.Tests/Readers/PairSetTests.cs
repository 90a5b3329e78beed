using Flip.FeatureStore.Readers;

namespace Flip.FeatureStore.Tests.Readers;

public sealed class PairSetTests
{
    [Theory]
    [InlineData(10, 10)]                    // bitmap
    [InlineData(int.MaxValue, int.MaxValue)] // too large for a bitmap: hash set
    public void A_pair_is_new_once(int maxFirst, int maxSecond)
    {
        var set = new PairSet(maxFirst, maxSecond);
        Assert.True(set.Add(1, 2));
        Assert.True(set.Add(2, 1));
        Assert.True(set.Add(10, 10));
        Assert.False(set.Add(1, 2));
        Assert.False(set.Add(10, 10));
        Assert.True(set.Add(0, 0));
    }

    [Fact]
    public void Ids_outside_the_bitmap_range_still_work()
    {
        var set = new PairSet(3, 3);
        Assert.True(set.Add(-1, 2));
        Assert.True(set.Add(2, 99));
        Assert.False(set.Add(-1, 2));
        Assert.False(set.Add(2, 99));
        Assert.True(set.Add(2, 3));
    }
}
