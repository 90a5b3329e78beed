using Flip.FeatureStore.Store;
using Flip.FeatureStore.Text;
using Flip.FeatureStore.Vocabulary;
using Flip.Trainer.Experiments;
using Flip.Trainer.Training;

namespace Flip.Trainer.Tests.Experiments;

public class FlipDataTests(FlipExperimentFixture fixture) : IClassFixture<FlipExperimentFixture>
{
    [Fact]
    public void SplitsChronologicallyAndBuildsTheVocabularyFromTrainAndValidationOnly()
    {
        var data = fixture.Data;
        Assert.Equal(new ChronologicalSplit(486, 54, 60), data.Split);
        Assert.Equal((486, 54, 60), (data.Train.Length, data.Validation.Length, data.Test.Length));
        var fromTrainAll = FeatureVocabulary.Build(SyntheticEvents.Schema, fixture.Events.Take(540));
        Assert.Equal(fromTrainAll.Count, data.Vocabulary.Count);
        // The first test pair is the 541st event, encoded with that vocabulary.
        Assert.Equal(data.Vocabulary.Encode(fixture.Events[540]), data.Test[0].FeatureIds);
        Assert.Equal(fixture.Events[540].Label, data.Test[0].Label);
    }

    [Fact]
    public void PairsOfAWindowAreTheBuildersPairsInOrder()
    {
        var builder = new TextTabularPairBuilder(SyntheticEvents.Schema, fixture.Data.Vocabulary,
            new TextPairOptions { VocabPath = RepoPaths.BertVocab, MaxLength = FlipExperimentFixture.MaxLength });
        var window = fixture.Events.Skip(100).Take(7).ToList();
        var pairs = FlipData.Pairs(builder, window);
        Assert.Equal(7, pairs.Length);
        for (var i = 0; i < window.Count; i++)
        {
            var expected = builder.Build(window[i]);
            Assert.Equal(expected.TokenIds, pairs[i].TokenIds);
            Assert.Equal(expected.FeatureIds, pairs[i].FeatureIds);
        }
    }
}
