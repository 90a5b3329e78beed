using System.Text;
using Flip.FeatureStore.Events;
using Flip.Ingest.Worker;

namespace Flip.Ingest.Tests.Worker;

public class FastClickParserTests
{
    private static readonly ClickEventJson Json = new(SyntheticClicks.Schema);
    private static readonly FastClickParser Fast = new(SyntheticClicks.Schema, new EventValidationOptions());

    private const string Valid = """{"id":"a","time":"2000-12-31T22:12:40Z","fields":{"user_id":"1","gender":"female","age":"25-34","occupation":"writer","zip_code":"48067","movie_id":"1193","title":"T","genres":"Drama"},"label":1}""";

    [Fact]
    public void Accepts_every_serialized_event_with_the_same_result_as_ClickEventJson()
    {
        foreach (var e in SyntheticClicks.Generate(2_000, hours: 30))
        {
            var bytes = Json.Serialize(e);
            var fast = Fast.TryParse(bytes);
            Assert.NotNull(fast); // the fast path really carries the normal traffic
            AssertSame(Json.Deserialize(bytes).Event!, fast);
        }
    }

    public static TheoryData<string> Variants() =>
    [
        Valid,
        Valid.Replace("Z\"", "+02:00\"", StringComparison.Ordinal),                // offset: converted to UTC
        Valid.Replace("Z\"", "\"", StringComparison.Ordinal),                      // no zone: taken as UTC
        Valid.Replace("\"T\"", "\"Caf\\u00e9 \\\"quoted\\\"\"", StringComparison.Ordinal), // escapes
        " \n" + Valid.Replace(",", " ,\n ", StringComparison.Ordinal) + " \n",     // whitespace
        """{"label":0,"fields":{"genres":"Drama","title":"T","movie_id":"1193","zip_code":"48067","occupation":"writer","age":"25-34","gender":"female","user_id":"1"},"time":"2000-12-31T22:12:40Z","id":"a"}""",
        Valid + " x",                                                               // trailing content
        Valid.Replace("\"id\":\"a\",", "\"id\":\"a\",\"id\":\"b\",", StringComparison.Ordinal), // duplicate property
        Valid.Replace("\"user_id\":\"1\",", "\"user_id\":\"1\",\"user_id\":\"2\",", StringComparison.Ordinal),
        Valid.Replace("\"label\":1", "\"label\":1.0", StringComparison.Ordinal),
        Valid.Replace("\"label\":1", "\"label\":true", StringComparison.Ordinal),
        Valid.Replace("\"id\":\"a\"", "\"id\":null", StringComparison.Ordinal),
        Valid.Replace("\"title\":\"T\"", "\"title\":null", StringComparison.Ordinal),
        Valid.Replace("\"fields\":{", "\"fields\":{\"x\":{},", StringComparison.Ordinal),
        Valid.Replace("2000-12-31T22:12:40Z", "not a time", StringComparison.Ordinal),
        Valid.Replace("2000-12-31T22:12:40Z", "2200-01-01T00:00:00Z", StringComparison.Ordinal),
        "/* comment */" + Valid,
        "",
        "null",
    ];

    [Theory]
    [MemberData(nameof(Variants))]
    public void Never_accepts_what_ClickEventJson_refuses_nor_differs_on_what_it_accepts(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var fast = Fast.TryParse(bytes);
        var (reference, _) = Json.Deserialize(bytes);
        if (fast is null) return; // falls back to ClickEventJson: same outcome by construction
        Assert.NotNull(reference);
        AssertSame(reference!, fast);
    }

    [Fact]
    public void Repeated_values_share_one_string_and_long_values_are_kept_whole()
    {
        var parser = new FastClickParser(SyntheticClicks.Schema, new EventValidationOptions());
        var first = parser.TryParse(Encoding.UTF8.GetBytes(Valid))!;
        var second = parser.TryParse(Encoding.UTF8.GetBytes(Valid.Replace("\"id\":\"a\"", "\"id\":\"b\"", StringComparison.Ordinal)))!;
        Assert.Same(first.Values[1], second.Values[1]);
        Assert.Equal("female", second.Values[1]);

        var longTitle = new string('t', 300); // longer than the pooled limit, within MaxValueLength
        var text = Valid.Replace("\"title\":\"T\"", $"\"title\":\"{longTitle}\"", StringComparison.Ordinal);
        var parsed = parser.TryParse(Encoding.UTF8.GetBytes(text))!;
        Assert.Equal(longTitle, parsed.Values[6]);
        AssertSame(Json.Deserialize(Encoding.UTF8.GetBytes(text)).Event!, parsed);
    }

    [Fact]
    public void Every_dead_letter_sample_falls_back()
    {
        foreach (var (_, value) in DeadLetterTests.InvalidMessages().Where(m => m.Value is not null))
            Assert.Null(Fast.TryParse(value));
    }

    private static void AssertSame(ClickEvent expected, ClickEvent actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.EventTime, actual.EventTime);
        Assert.Equal(expected.EventTime.Kind, actual.EventTime.Kind);
        Assert.Equal(expected.Values, actual.Values);
        Assert.Equal(expected.Label, actual.Label);
    }
}
