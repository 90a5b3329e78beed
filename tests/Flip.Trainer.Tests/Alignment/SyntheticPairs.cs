using Flip.FeatureStore.Text;
using Flip.Trainer.Alignment;
using Flip.Trainer.Tests.Plm;

namespace Flip.Trainer.Tests.Alignment;

/// <summary>
/// Text-tabular pairs over <see cref="TinyBert.Vocabulary"/>: F fields with <see cref="ValuesPerField"/> values each;
/// the text is "[CLS] name_f value-tokens ... [SEP] [PAD]..." and the row holds the matching global feature ids
/// (2 + F reserved ids first, as the feature vocabulary lays them out). The label depends on field 0's value.
/// </summary>
internal static class SyntheticPairs
{
    public const int Fields = 4;
    public const int ValuesPerField = 5;
    public const int Length = 20;
    public const int FirstFeatureId = 2 + Fields;
    public static int FeatureVocabularySize => FirstFeatureId + Fields * ValuesPerField;

    public static int FeatureId(int field, int value) => FirstFeatureId + field * ValuesPerField + value;

    public static TextTabularPair Make(int[] values)
    {
        var tokens = new List<int> { TinyBert.Vocabulary.ClsId };
        var spans = new FieldSpan[Fields];
        for (var f = 0; f < Fields; f++)
        {
            tokens.Add(TokenOf($"t{50 + f}"));                               // field name
            var start = tokens.Count;
            tokens.Add(TokenOf($"t{f * 10 + values[f] * 2}"));              // value: one or two word pieces
            if (values[f] % 2 == 1) tokens.Add(TokenOf($"t{f * 10 + values[f] * 2 + 1}"));
            spans[f] = new FieldSpan(start, tokens.Count - start);
        }
        tokens.Add(TinyBert.Vocabulary.SepId);
        var mask = Enumerable.Repeat((byte)1, tokens.Count).Concat(Enumerable.Repeat((byte)0, Length - tokens.Count)).ToArray();
        tokens.AddRange(Enumerable.Repeat(TinyBert.Vocabulary.PadId, Length - tokens.Count));
        var features = values.Select((v, f) => FeatureId(f, v)).ToArray();
        return new TextTabularPair(tokens.ToArray(), mask, spans, features, 0, (byte)(values[0] < 2 ? 1 : 0));
    }

    public static TextTabularPair[] Many(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Make(Enumerable.Range(0, Fields).Select(_ => random.Next(ValuesPerField)).ToArray())).ToArray();
    }

    /// <summary>Noise distribution with a skewed frequency (value j seen j+1 times as often).</summary>
    public static FeatureNoiseDistribution Noise()
    {
        var counts = new long[FeatureVocabularySize];
        var fieldOf = Enumerable.Repeat(-1, FeatureVocabularySize).ToArray();
        for (var f = 0; f < Fields; f++)
            for (var v = 0; v < ValuesPerField; v++)
            {
                counts[FeatureId(f, v)] = 10 * (v + 1);
                fieldOf[FeatureId(f, v)] = f;
            }
        return new FeatureNoiseDistribution(counts, fieldOf, Fields);
    }

    static int TokenOf(string token) => TinyBert.Vocabulary.IdOf(token) ?? throw new InvalidOperationException(token);
}
