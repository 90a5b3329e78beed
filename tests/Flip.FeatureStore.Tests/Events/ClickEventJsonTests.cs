using System.Text;
using Flip.FeatureStore.Events;
using static Flip.FeatureStore.Tests.TestSchemas;

namespace Flip.FeatureStore.Tests.Events;

public class ClickEventJsonTests
{
    private readonly ClickEventJson _json = new(Three);

    private (ClickEvent? Event, EventRejection? Rejection) Parse(string text) => _json.Deserialize(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void RoundTripsAnEvent()
    {
        var e = Event("e1", "42", "F", "Amélie (2001)", label: 0, minute: 7);
        var (back, rejection) = _json.Deserialize(_json.Serialize(e));
        Assert.Null(rejection);
        Assert.Equal(e.Id, back!.Id);
        Assert.Equal(e.EventTime, back.EventTime);
        Assert.Equal(DateTimeKind.Utc, back.EventTime.Kind);
        Assert.Equal(e.Values, back.Values);
        Assert.Equal(0, back.Label);
    }

    [Fact]
    public void AcceptsFieldsInAnyOrderAndStoresThemInSchemaOrder()
    {
        var (e, r) = Parse("""{"label":1,"fields":{"movie_title":"Heat","gender":"M","user_id":"7"},"time":"2001-01-01T10:00:00Z","id":"x"}""");
        Assert.Null(r);
        Assert.Equal(["7", "M", "Heat"], e!.Values);
    }

    [Theory]
    [InlineData("""{"id":"x","time":"2001-01-01T00:00:00Z","fields":{"user_id":"1","gender":"F"},"label":1}""", EventRejectReason.MissingField, "movie_title")]
    [InlineData("""{"id":"x","time":"2001-01-01T00:00:00Z","fields":{"user_id":"1","gender":"F","movie_title":"H","age":"3"},"label":1}""", EventRejectReason.UnknownField, "age")]
    [InlineData("""{"id":"x","time":"2001-01-01T00:00:00Z","fields":{"user_id":1,"gender":"F","movie_title":"H"},"label":1}""", EventRejectReason.WrongType, "$.fields.user_id")]
    [InlineData("""{"id":"x","time":"2001-01-01T00:00:00Z","fields":{"user_id":"1","gender":"F","movie_title":"H"},"label":2}""", EventRejectReason.BadLabel, "label is 2")]
    [InlineData("""{"id":"x","time":"2001-01-01T00:00:00Z","fields":{"user_id":"1","gender":"F","movie_title":"H"},"label":"1"}""", EventRejectReason.WrongType, "$.label")]
    [InlineData("""{"id":"x","time":"1960-01-01T00:00:00Z","fields":{"user_id":"1","gender":"F","movie_title":"H"},"label":1}""", EventRejectReason.TimestampOutOfRange, "1960")]
    [InlineData("""{"id":"x","time":"yesterday","fields":{"user_id":"1","gender":"F","movie_title":"H"},"label":1}""", EventRejectReason.WrongType, "$.time")]
    [InlineData("""{"time":"2001-01-01T00:00:00Z","fields":{"user_id":"1","gender":"F","movie_title":"H"},"label":1}""", EventRejectReason.MissingId, "id")]
    [InlineData("""{"id":"x","time":"2001-01-01T00:00:00Z","fields":{"user_id":"1","gender":"F","movie_title":"H"},"label":1,"extra":true}""", EventRejectReason.UnknownField, "extra")]
    [InlineData("""{"id":"x","time":"2001-01-01T00:00:00Z","fields":{"user_id":"1",""", EventRejectReason.InvalidJson, "malformed")]
    [InlineData("""not json""", EventRejectReason.InvalidJson, "malformed")]
    public void RejectsBadEventsNamingTheProblem(string text, EventRejectReason reason, string mentioned)
    {
        var (e, r) = Parse(text);
        Assert.Null(e);
        Assert.NotNull(r);
        Assert.Equal(reason, r.Reason);
        Assert.Contains(mentioned, r.Message);
    }

    [Fact]
    public void RejectsOversizeMessagesAndOverlongValues()
    {
        var small = new ClickEventJson(Three, new EventValidationOptions { MaxMessageBytes = 100, MaxValueLength = 5 });
        var big = _json.Serialize(Event("x", "1", "F", new string('a', 200)));
        Assert.Equal(EventRejectReason.Oversize, small.Deserialize(big).Rejection!.Reason);
        var longValue = new ClickEventJson(Three, new EventValidationOptions { MaxValueLength = 5 });
        var r = longValue.Deserialize(_json.Serialize(Event("x", "1", "F", "Titanic"))).Rejection!;
        Assert.Equal(EventRejectReason.ValueTooLong, r.Reason);
        Assert.Contains("movie_title", r.Message);
        Assert.Equal("value_too_long", r.Code);
    }

    private const string Good = """{"id":"x","time":"2001-01-01T10:00:00Z","fields":{"user_id":"7","gender":"M","movie_title":"Heat"},"label":1}""";

    [Theory]
    [InlineData("\"label\":1", "\"label\":7,\"label\":1", "$.label")]
    [InlineData("\"id\":\"x\"", "\"id\":\"x\",\"id\":\"y\"", "$.id")]
    [InlineData("\"gender\":\"M\"", "\"gender\":\"M\",\"gender\":\"F\"", "$.fields.gender")]
    public void Duplicate_keys_are_refused_instead_of_last_wins(string from, string to, string path)
    {
        var (e, r) = Parse(Good.Replace(from, to, StringComparison.Ordinal));
        Assert.Null(e);
        Assert.Equal("duplicate_key", r!.Code);
        Assert.Contains(path, r.Message);
    }

    [Fact]
    public void Invalid_utf8_is_reported_as_such_at_the_value_that_holds_it()
    {
        var bytes = Encoding.UTF8.GetBytes(Good.Replace("Heat", "He@t", StringComparison.Ordinal));
        bytes[Array.IndexOf(bytes, (byte)'@')] = 0xC3; // a lead byte without its continuation
        var (e, r) = _json.Deserialize(bytes);
        Assert.Null(e);
        Assert.Equal("invalid_utf8", r!.Code);
        Assert.Contains("value of $.fields.movie_title", r.Message);
    }

    [Fact]
    public void Invalid_utf8_in_a_field_name_is_not_blamed_on_the_field_before_it()
    {
        var bytes = Encoding.UTF8.GetBytes(Good.Replace("\"gender\"", "\"gend@r\"", StringComparison.Ordinal));
        bytes[Array.IndexOf(bytes, (byte)'@')] = 0xFF; // never valid in UTF-8
        var (e, r) = _json.Deserialize(bytes);
        Assert.Null(e);
        Assert.Equal("invalid_utf8", r!.Code);
        Assert.Contains("property name of $.fields", r.Message);
        Assert.DoesNotContain("user_id", r.Message);
    }
}
