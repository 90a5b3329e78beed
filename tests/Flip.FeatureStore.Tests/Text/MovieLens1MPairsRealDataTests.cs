using System.Text.RegularExpressions;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Readers;
using Flip.FeatureStore.Tests.Readers;
using Flip.FeatureStore.Text;
using Flip.FeatureStore.Vocabulary;
using static Flip.FeatureStore.Tests.Text.SharedTokenizer;

namespace Flip.FeatureStore.Tests.Text;

/// <summary>Pairs built from the real MovieLens-1M files (../shared/datasets/movielens-1m) with the real BERT vocabulary.</summary>
public sealed partial class MovieLens1MPairsRealDataTests
{
    private static readonly Lazy<List<ClickEvent>> AllEvents = new(() =>
        new MovieLens1MReader(TestData.SharedDataset("movielens-1m")).ReadEvents().ToList());

    private static readonly Lazy<FeatureVocabulary> Vocabulary = new(() =>
        FeatureVocabulary.Build(MovieLens1MReader.Schema, AllEvents.Value));

    /// <summary>The first row of every user and of every movie: each title (accents, punctuation, "Alien³") appears at least once.</summary>
    private static readonly Lazy<List<ClickEvent>> Covering = new(() =>
    {
        var users = new HashSet<string>();
        var movies = new HashSet<string>();
        var schema = MovieLens1MReader.Schema;
        int user = schema.IndexOf("user_id"), movie = schema.IndexOf("movie_id");
        return AllEvents.Value.Where(e => users.Add(e.Values[user]) | movies.Add(e.Values[movie])).ToList();
    });

    private static TextTabularPairBuilder Builder(int maxLength = 100) =>
        new(MovieLens1MReader.Schema, Vocabulary.Value, Instance, new TextPairOptions { MaxLength = maxLength });

    [Fact]
    public void PiecewiseTokenizationEqualsTokenizingTheWholeText()
    {
        var b = Builder();
        var rows = Covering.Value;
        Assert.True(rows.Count > 6000, $"only {rows.Count} covering rows");
        Assert.Contains(rows, e => e.Values[6].Contains('é'));
        foreach (var e in rows)
        {
            var pair = b.Build(e);
            Assert.Equal(0, pair.TruncatedFields);
            int length = pair.AttentionMask.Count(m => m == 1);
            var whole = Instance.EncodeWithSpecialTokens(b.Text(e));
            if (!whole.AsSpan().SequenceEqual(pair.TokenIds.AsSpan(0, length)))
                Assert.Fail($"{e.Id}: \"{b.Text(e)}\"\nwhole:     {string.Join(' ', Strings(whole))}\npiecewise: {string.Join(' ', Strings(pair.TokenIds[..length]))}");
        }
    }

    [Fact]
    public void SpansDecodeBackToTheLowercasedAccentStrippedValueWords()
    {
        var b = Builder();
        int checkedWords = 0;
        foreach (var e in Covering.Value)
        {
            var pair = b.Build(e);
            for (int f = 0; f < b.Schema.FieldCount; f++)
            {
                var span = pair.ValueSpans[f];
                var pieces = Strings(pair.TokenIds.AsSpan(span.Start, span.Length).ToArray());
                var words = Reassemble(pieces);
                var expected = BasicWords(e.Values[f]);
                Assert.True(expected.Count == words.Count, $"{e.Id} field {b.Schema.Fields[f].Name}: '{e.Values[f]}' -> [{string.Join(' ', pieces)}]");
                for (int w = 0; w < words.Count; w++)
                {
                    if (words[w] == "[UNK]") continue; // a word outside the vocabulary has no pieces to compare
                    Assert.Equal(expected[w], words[w]);
                    checkedWords++;
                }
                // The template around the value is intact: "<field> is" before, "." after.
                Assert.Equal(b.PrefixTokens(f).ToArray(), pair.TokenIds[(span.Start - b.PrefixTokens(f).Length)..span.Start]);
                Assert.Equal(".", Instance.TokenOf(pair.TokenIds[span.Start + span.Length]));
            }
        }
        Assert.True(checkedWords > 50_000, $"only {checkedWords} words compared");
    }

    [Fact]
    public void DefaultMaxLengthFitsEveryRowOfTheDataset()
    {
        var b = Builder();
        var events = AllEvents.Value;
        Assert.Equal(360_434, events.Count);
        int longest = 0;
        for (int start = 0; start < events.Count; start += 50_000)
        {
            var batch = b.BuildBatch(events, start, Math.Min(50_000, events.Count - start));
            Assert.Equal(0, batch.TruncatedRows);
            for (int r = 0; r < batch.Count; r++)
            {
                int length = 0;
                while (length < batch.SequenceLength && batch.AttentionMask[r * batch.SequenceLength + length]) length++;
                Assert.Equal(Instance.SeparatorTokenId, batch.TokenIds[r * batch.SequenceLength + length - 1]);
                longest = Math.Max(longest, length);
            }
        }
        Assert.InRange(longest, 40, 100);
    }

    [Fact]
    public void ShortMaxLengthCutsWholeTrailingFieldsOnRealRows()
    {
        var b = Builder(maxLength: 40);
        int truncatedRows = 0;
        foreach (var e in Covering.Value)
        {
            var pair = b.Build(e);
            int kept = b.Schema.FieldCount - pair.TruncatedFields;
            if (pair.TruncatedFields > 0) truncatedRows++;
            for (int f = 0; f < b.Schema.FieldCount; f++)
            {
                var span = pair.ValueSpans[f];
                if (f < kept)
                    Assert.Equal(Instance.Encode(e.Values[f]), pair.TokenIds[span.Start..(span.Start + span.Length)]);
                else
                    Assert.Equal(new FieldSpan(0, 0), span);
            }
            // The text ends right after the last kept field's ".".
            int length = pair.AttentionMask.Count(m => m == 1);
            var last = pair.ValueSpans[kept - 1];
            Assert.Equal(last.Start + last.Length + 2, length);
        }
        Assert.True(truncatedRows > 100, $"only {truncatedRows} rows truncated at 40 tokens");
    }

    /// <summary>WordPieces joined back into words: "##" pieces continue the previous word.</summary>
    private static List<string> Reassemble(IEnumerable<string> pieces)
    {
        var words = new List<string>();
        foreach (var p in pieces)
        {
            if (p.StartsWith("##", StringComparison.Ordinal) && words.Count > 0) words[^1] += p[2..];
            else words.Add(p);
        }
        return words;
    }

    /// <summary>The value as BERT's basic tokenizer sees it: lower-cased, accents stripped, split on whitespace and punctuation.</summary>
    private static List<string> BasicWords(string value) =>
        BasicSplit().Matches(AccentStripper.Strip(value.ToLowerInvariant())).Select(m => m.Value).ToList();

    [GeneratedRegex(@"[!-/:-@\[-`{-~\p{P}]|[^\s!-/:-@\[-`{-~\p{P}]+")]
    private static partial Regex BasicSplit();
}
