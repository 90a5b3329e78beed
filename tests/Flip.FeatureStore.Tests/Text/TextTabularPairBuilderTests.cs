using Flip.FeatureStore.Errors;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Text;
using Flip.FeatureStore.Vocabulary;
using static Flip.FeatureStore.Tests.TestSchemas;
using static Flip.FeatureStore.Tests.Text.SharedTokenizer;

namespace Flip.FeatureStore.Tests.Text;

public class TextTabularPairBuilderTests
{
    private const string Amelie = "Amélie (Fabuleux destin d'Amélie Poulain, Le) (2001)";

    private static TextTabularPairBuilder Builder(IEnumerable<ClickEvent> seen, int maxLength = 100, int chunkRows = 2048, int cacheCapacity = 1_000_000) =>
        new(Three, FeatureVocabulary.Build(Three, seen), Instance,
            new TextPairOptions { MaxLength = maxLength, ParallelChunkRows = chunkRows, CacheCapacityPerField = cacheCapacity });

    private static string[] SpanStrings(TextTabularPair p, int field)
    {
        var s = p.ValueSpans[field];
        return Strings(p.TokenIds.AsSpan(s.Start, s.Length).ToArray());
    }

    [Fact]
    public void TextFollowsThePaperTemplateInSchemaOrder()
    {
        var e = Event("a", "17", "F", Amelie);
        Assert.Equal($"user id is 17. gender is F. movie title is {Amelie}. ", Builder([e]).Text(e));
    }

    [Fact]
    public void SpansPointExactlyAtTheValueTokens()
    {
        var e = Event("a", "17", "F", Amelie);
        var p = Builder([e]).Build(e);
        Assert.Equal(["17"], SpanStrings(p, 0));
        Assert.Equal(["f"], SpanStrings(p, 1));
        Assert.Equal(["amelie", "(", "fa", "##bu", "##le", "##ux", "des", "##tin", "d", "'", "amelie", "po", "##ula", "##in", ",", "le", ")", "(", "2001", ")"], SpanStrings(p, 2));
        // Each value is preceded by "<field> is" and followed by ".", so nothing of the template leaks into a span.
        var title = p.ValueSpans[2];
        Assert.Equal(["movie", "title", "is"], Strings(p.TokenIds[(title.Start - 3)..title.Start]));
        Assert.Equal(".", Instance.TokenOf(p.TokenIds[title.Start + title.Length]));
        for (int f = 0; f < 3; f++)
            Assert.Equal(Strings(Instance.Encode(e.Values[f])), SpanStrings(p, f));
    }

    [Fact]
    public void ClsFirstSepLastThenPaddingWithMatchingAttentionMask()
    {
        var e = Event("a", "1", "F", "Heat");
        var p = Builder([e], maxLength: 20).Build(e);
        Assert.Equal(
            ["[CLS]", "user", "id", "is", "1", ".", "gender", "is", "f", ".", "movie", "title", "is", "heat", ".", "[SEP]", "[PAD]", "[PAD]", "[PAD]", "[PAD]"],
            Strings(p.TokenIds));
        Assert.Equal([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0], p.AttentionMask.Select(b => (int)b));
        Assert.Equal(0, p.TruncatedFields);
        Assert.Equal(20, p.TokenIds.Length);
    }

    [Fact]
    public void ExactFitNeedsNoPaddingAndTruncatesNothing()
    {
        var e = Event("a", "1", "F", "Heat");
        var p = Builder([e], maxLength: 16).Build(e);
        Assert.Equal(0, p.TruncatedFields);
        Assert.Equal(Instance.SeparatorTokenId, p.TokenIds[^1]);
        Assert.All(p.AttentionMask, m => Assert.Equal(1, m));
    }

    [Fact]
    public void TruncationDropsWholeTrailingFieldsAndCountsThem()
    {
        var e = Event("a", "1", "F", "Heat");
        // One token short of the full 16: the whole title goes, never just part of it.
        var p = Builder([e], maxLength: 15).Build(e);
        Assert.Equal(1, p.TruncatedFields);
        Assert.Equal(new FieldSpan(0, 0), p.ValueSpans[2]);
        Assert.False(p.ValueSpans[2].IsPresent);
        Assert.Equal(["[CLS]", "user", "id", "is", "1", ".", "gender", "is", "f", ".", "[SEP]", "[PAD]", "[PAD]", "[PAD]", "[PAD]"], Strings(p.TokenIds));
        Assert.Equal(11, p.AttentionMask.Count(m => m == 1));
        // The tabular side keeps every field: only the text is cut.
        Assert.DoesNotContain(p.FeatureIds, id => id < FeatureVocabulary.FirstFieldUnknownId + 3);

        var two = Builder([e], maxLength: 7).Build(e);
        Assert.Equal(2, two.TruncatedFields);
        Assert.Equal(["[CLS]", "user", "id", "is", "1", ".", "[SEP]"], Strings(two.TokenIds));
        Assert.True(two.ValueSpans[0].IsPresent);
        Assert.False(two.ValueSpans[1].IsPresent);
    }

    [Fact]
    public void EmptyValueKeepsItsPlaceWithAnEmptySpan()
    {
        var e = Event("a", "1", "", "Heat");
        var p = Builder([e], maxLength: 20).Build(e);
        Assert.Equal(0, p.TruncatedFields);
        Assert.Equal(new FieldSpan(8, 0), p.ValueSpans[1]); // right after "gender is", where its "." stands
        Assert.Equal(["[CLS]", "user", "id", "is", "1", ".", "gender", "is", ".", "movie", "title", "is", "heat", ".", "[SEP]"], Strings(p.TokenIds[..15]));
    }

    [Fact]
    public void FirstFieldThatDoesNotFitIsAnError()
    {
        var e = Event("long-one", "1", "F", "Heat");
        var b = Builder([e], maxLength: 6);
        var ex = Assert.Throws<TextTooLongException>(() => b.Build(e));
        Assert.Equal("long-one", ex.EventId);
        Assert.Equal("user_id", ex.Field);
        Assert.Equal(5, ex.Needed);
        Assert.Equal(4, ex.Available);
        Assert.Contains("--max-length", ex.Message);

        // The parallel batch path reports the same exception, not an AggregateException.
        var many = Enumerable.Range(0, 50).Select(i => Event($"e{i}", "1", "F", "Heat")).ToList();
        var parallel = Builder(many, maxLength: 6, chunkRows: 8);
        Assert.Throws<TextTooLongException>(() => parallel.BuildBatch(many));
    }

    [Fact]
    public void MaxLengthBelowThreeIsRejected()
    {
        Assert.Throws<UserInputException>(() => Builder([], maxLength: 2));
    }

    [Fact]
    public void RowsWithTheWrongNumberOfValuesAreRejected()
    {
        var b = Builder([]);
        var bad = new ClickEvent("x", DateTime.UnixEpoch, ["1", "F"], 1);
        Assert.Throws<ArgumentException>(() => b.Build(bad));
        Assert.Throws<ArgumentException>(() => b.BuildBatch([bad]));
    }

    [Fact]
    public void CacheHitReturnsTheSameTokensWithoutTokenizingAgain()
    {
        var b = Builder([]);
        var first = b.Cache.Get(2, Amelie);
        Assert.Equal(1, b.Cache.Misses);
        var again = b.Cache.Get(2, Amelie);
        Assert.Equal(1, b.Cache.Misses);
        Assert.True(first.Equals(again)); // the very same memory
        Assert.Equal(Instance.Encode(Amelie), again.ToArray());
        Assert.Equal(1, b.Cache.CountOf(2));

        // Building rows that repeat values only tokenizes each distinct (field, value) once.
        b.BuildBatch([Event("a", "1", "F", "Heat"), Event("b", "2", "F", "Heat"), Event("c", "1", "M", Amelie)]);
        Assert.Equal(1 + 2 + 2 + 1, b.Cache.Misses); // Amelie (before) + users 1, 2 + F, M + Heat
        Assert.Equal(2, b.Cache.CountOf(0));

        b.Cache.Clear();
        Assert.Equal(0, b.Cache.CountOf(2));
        Assert.Equal(0, b.Cache.Misses);
    }

    [Fact]
    public void FullCacheStillTokenizesCorrectlyButStopsGrowing()
    {
        var b = Builder([], cacheCapacity: 1);
        b.Cache.Get(2, "Heat");
        var amelie = b.Cache.Get(2, Amelie);
        Assert.Equal(1, b.Cache.CountOf(2));
        Assert.Equal(Instance.Encode(Amelie), amelie.ToArray());
        b.Cache.Get(2, Amelie);
        Assert.Equal(3, b.Cache.Misses);
    }

    [Fact]
    public void FeatureIdsAndLabelComeFromTheVocabularyAndEvent()
    {
        var seen = Event("a", "1", "F", "Heat", label: 0);
        var b = Builder([seen]);
        var p = b.Build(seen);
        Assert.Equal(b.Vocabulary.Encode(seen), p.FeatureIds);
        Assert.Equal(0, p.Label);
        var unseen = Event("b", "99", "F", "Alien", label: 1);
        var q = b.Build(unseen);
        Assert.Equal([b.Vocabulary.UnknownId(0), p.FeatureIds[1], b.Vocabulary.UnknownId(2)], q.FeatureIds);
        Assert.Equal(1, q.Label);
    }

    [Fact]
    public void BatchArraysMatchSinglePairsOnTheParallelPath()
    {
        string[] titles = ["Heat", Amelie, "Toy Story (1995)", "Star Wars: Episode IV - A New Hope (1977)", "Children's|Comedy"];
        var events = Enumerable.Range(0, 300)
            .Select(i => Event($"e{i}", (i % 37).ToString(), i % 2 == 0 ? "F" : "M", titles[i % titles.Length], label: (byte)(i % 3 == 0 ? 1 : 0)))
            .ToList();
        // 24 tokens: rows with long titles lose the title, short ones keep it.
        var b = Builder(events.Take(100), maxLength: 24, chunkRows: 16);
        var batch = b.BuildBatch(events, 10, 250);
        Assert.Equal(250, batch.Count);
        Assert.Equal(24, batch.SequenceLength);
        Assert.Equal(3, batch.FieldCount);
        Assert.Equal(250 * 24, batch.TokenIds.Length);
        Assert.Equal(250 * 3, batch.SpanStart.Length);
        Assert.True(batch.TruncatedRows > 0 && batch.TruncatedRows < 250);
        for (int r = 0; r < 250; r++)
        {
            var single = b.Build(events[10 + r]);
            var row = batch.Row(r);
            Assert.Equal(single.TokenIds, row.TokenIds);
            Assert.Equal(single.AttentionMask, row.AttentionMask);
            Assert.Equal(single.ValueSpans, row.ValueSpans);
            Assert.Equal(single.FeatureIds, row.FeatureIds);
            Assert.Equal(single.TruncatedFields, row.TruncatedFields);
            Assert.Equal(single.Label, row.Label);
            Assert.Equal(single.TruncatedFields, batch.TruncatedFields[r]);
            Assert.Equal((float)events[10 + r].Label, batch.Labels[r]);
        }
    }
}
