using Flip.FeatureStore.Vocabulary;
using static Flip.FeatureStore.Tests.TestSchemas;

namespace Flip.FeatureStore.Tests.Vocabulary;

public class FeatureVocabularyTests
{
    [Fact]
    public void ReservedIdsComeFirstAndFeaturesShareOneIdSpace()
    {
        var v = FeatureVocabulary.Build(Three, [Event("a", "1", "F", "Heat"), Event("b", "2", "F", "Heat")]);
        Assert.Equal(0, FeatureVocabulary.PaddingId);
        Assert.Equal(1, FeatureVocabulary.MaskId);
        Assert.Equal([2, 3, 4], Enumerable.Range(0, 3).Select(v.UnknownId));
        // 5 reserved, then user 1, F, Heat, user 2.
        Assert.Equal(9, v.Count);
        Assert.Equal([5, 6, 7], v.Encode(Event("c", "1", "F", "Heat")));
        Assert.Equal([8, 6, 7], v.Encode(Event("d", "2", "F", "Heat")));
        Assert.Equal(2, v.CountOf(6));
        Assert.Equal(1, v.FieldOf(6));
        Assert.Equal(-1, v.FieldOf(FeatureVocabulary.MaskId));
        Assert.Equal("Heat", v.ValueOf(7));
        Assert.Equal([5, 8], v.IdsOfField(0));
        Assert.Equal(2, v.DistinctCount(0));
    }

    [Fact]
    public void SameValueInDifferentFieldsGetsDifferentIds()
    {
        var v = FeatureVocabulary.Build(Three, [Event("a", "x", "x", "x")]);
        var ids = v.Encode(Event("b", "x", "x", "x"));
        Assert.Equal(3, ids.Distinct().Count());
    }

    [Fact]
    public void UnseenValuesMapToTheirFieldsUnknownId()
    {
        var v = FeatureVocabulary.Build(Three, [Event("a", "1", "F", "Heat")]);
        Assert.Equal([v.UnknownId(0), 6, v.UnknownId(2)], v.Encode(Event("b", "9", "F", "Alien")));
        Assert.Equal(8, v.Count); // lookups never grow
    }

    [Fact]
    public void MinCountAdmitsAValueOnlyOnceItWasSeenOftenEnough()
    {
        var v = new FeatureVocabulary(Three, new VocabularyOptions { MinCount = 2 });
        Assert.Equal(v.UnknownId(0), v.Observe(0, "u"));
        int id = v.Observe(0, "u");
        Assert.NotEqual(v.UnknownId(0), id);
        Assert.Equal(2, v.CountOf(id));
        Assert.Equal(1, v.CountOf(v.UnknownId(0)));
    }

    [Fact]
    public void CapacityStopsGrowthAndCountsOverflowAsUnknown()
    {
        var v = new FeatureVocabulary(Three, new VocabularyOptions { Capacity = 6 });
        Assert.Equal(5, v.Observe(0, "a"));
        Assert.Equal(v.UnknownId(0), v.Observe(0, "b"));
        Assert.Equal(6, v.Count);
        Assert.Equal(1, v.CountOf(v.UnknownId(0)));
    }

    [Fact]
    public void SaveAndLoadRoundTripIdsCountsAndPendingValues()
    {
        var dir = Directory.CreateTempSubdirectory("flip-vocab-").FullName;
        try
        {
            var v = new FeatureVocabulary(Three, new VocabularyOptions { MinCount = 2 });
            foreach (var e in new[] { Event("a", "1", "F", "Amélie"), Event("b", "1", "F", "Heat"), Event("c", "1", "M", "Amélie") }) v.Observe(e);
            var first = v.Save(dir);
            v.Observe(Event("d", "2", "M", "Heat"));
            var second = v.Save(dir);
            Assert.NotEqual(first, second);

            Assert.Equal(v.Version - 2, FeatureVocabulary.Load(first, Three).Version);
            var loaded = FeatureVocabulary.LoadLatest(dir, Three);
            Assert.Equal(v.Version, loaded.Version);
            for (int id = 0; id < v.Count; id++)
            {
                Assert.Equal(v.ValueOf(id), loaded.ValueOf(id));
                Assert.Equal(v.CountOf(id), loaded.CountOf(id));
                Assert.Equal(v.FieldOf(id), loaded.FieldOf(id));
            }
            // "2" was pending once: one more sighting admits it in both.
            Assert.Equal(v.Observe(0, "2"), loaded.Observe(0, "2"));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void LoadRefusesAVocabularyOfOtherFieldsAndCorruptFiles()
    {
        var v = FeatureVocabulary.Build(Three, [Event("a", "1", "F", "Heat")]);
        using var ms = new MemoryStream();
        v.Save(ms);
        var other = new Schema.DatasetSchema("other", [new("user_id", "user id"), new("age", "age")], new(3));
        var wrongFields = Assert.Throws<InvalidDataException>(() => FeatureVocabulary.Load(new MemoryStream(ms.ToArray()), other));
        Assert.Contains("age", wrongFields.Message);

        var truncated = ms.ToArray()[..(int)(ms.Length / 2)];
        var corrupt = Assert.Throws<InvalidDataException>(() => FeatureVocabulary.Load(new MemoryStream(truncated), Three));
        Assert.Contains("corrupt", corrupt.Message);
    }
}
