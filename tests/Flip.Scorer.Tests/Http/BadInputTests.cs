using System.Net;
using System.Text;
using System.Text.Json;

namespace Flip.Scorer.Tests.Http;

/// <summary>Every class of bad input gets its 4xx with a reason; nothing returns 500 and the service keeps answering.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private TestScorer _scorer = null!;
    private string _event = "";

    public async Task InitializeAsync()
    {
        var root = TestScorer.NewRegistryRoot();
        var events = MovieLensLikeEvents.Generate(300);
        var (model, vocabulary) = TestModels.TrainDcnV2(events, epochs: 1);
        var published = TestModels.PublishId(new Flip.Registry.ModelRegistry(root), model, vocabulary);
        _scorer = await TestScorer.StartAsync(root, new()
        {
            ["Scorer:MaxBodyBytes"] = "4096",
            ["Scorer:MaxEventsPerRequest"] = "3",
            ["Scorer:MaxFieldLength"] = "20",
            ["Scorer:MaxIdLength"] = "10",
        });
        await _scorer.WaitForVersionAsync(published.Version);
        _event = TestScorer.EventJson(events[0] with { Id = "ok" });
    }

    public async Task DisposeAsync() => await _scorer.DisposeAsync();

        public static TheoryData<string, string, int, string> Cases => new()
    {
        { "invalid JSON", "{\"fields\": {", 400, "invalid_json" },
        { "not JSON at all", "hello", 400, "invalid_json" },
        { "empty body", "", 400, "invalid_json" },
        { "a number body", "42", 400, "wrong_type" },
        { "events not an array", "{\"events\": 3}", 400, "wrong_type" },
        { "an event that is a string", "[\"event\"]", 400, "wrong_type" },
        { "fields not an object", "{\"fields\": [1]}", 400, "wrong_type" },
        { "id a number", "{\"id\": 5, \"fields\": {}}", 400, "wrong_type" },
        { "time not a timestamp", "{\"time\": \"yesterday\", \"fields\": {}}", 400, "wrong_type" },
        { "missing fields", "{\"id\": \"a\"}", 400, "missing_field" },
        { "requestId without events", "{\"requestId\": \"r\"}", 400, "missing_field" },
        { "no events", "[]", 400, "no_events" },
        { "unknown property", "{\"fields\": {}, \"colour\": \"red\"}", 400, "unknown_property" },
        { "events mixed with fields", "{\"events\": [], \"fields\": {}}", 400, "no_events" },
        { "unknown field", "{\"fields\": {\"shoe_size\": \"42\"}}", 400, "unknown_field" },
        { "too long id", "{\"id\": \"abcdefghijklmnop\", \"fields\": {}}", 400, "value_too_long" },
        { "label of a wrong type", "{\"label\": \"yes\", \"fields\": {}}", 400, "wrong_type" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_gets_its_4xx_with_a_reason(string what, string body, int status, string code)
    {
        using var response = await _scorer.PostAsync(body);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"{what}: {(int)response.StatusCode} {text}");
        using var json = JsonDocument.Parse(text);
        Assert.Equal(code, json.RootElement.GetProperty("error").GetString());
        Assert.False(string.IsNullOrWhiteSpace(json.RootElement.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Field_level_problems_name_the_field()
    {
        var missing = await Error(_event.Replace("\"gender\":\"M\",", "").Replace("\"gender\":\"F\",", ""));
        Assert.Equal("missing_field", missing.Code);
        Assert.Contains("gender", missing.Message);

        var number = await Error(_event.Replace("\"gender\":\"M\"", "\"gender\":1").Replace("\"gender\":\"F\"", "\"gender\":1"));
        Assert.Equal("wrong_type", number.Code);
        Assert.Contains("gender", number.Message);

        var tooLong = await Error(_event.Replace("\"gender\":\"M\"", $"\"gender\":\"{new string('x', 21)}\"").Replace("\"gender\":\"F\"", $"\"gender\":\"{new string('x', 21)}\""));
        Assert.Equal("value_too_long", tooLong.Code);

        var twice = await Error(_event.Replace("\"gender\":", "\"gender\":\"M\",\"gender\":"));
        Assert.Equal("duplicate_field", twice.Code);

        var unknown = await Error($"[{_event},{_event.Replace("\"gender\"", "\"sex\"")}]");
        Assert.Equal("unknown_field", unknown.Code);
        Assert.Contains("events[1]", unknown.Message);
        Assert.Contains("'sex'", unknown.Message);

        var trailing = await Error(_event + " x");
        Assert.Equal("invalid_json", trailing.Code);

        var notUtf8 = await Error(_event.Replace("\"M\"", "\"\xff\"").Replace("\"F\"", "\"\xff\""), raw: true);
        Assert.Equal("invalid_json", notUtf8.Code);

        var tooMany = await Error($"[{_event},{_event},{_event},{_event}]");
        Assert.Equal("too_many_events", tooMany.Code);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_and_the_constant_endpoint_is_off_by_default()
    {
        using var big = await _scorer.PostAsync("[" + string.Join(",", Enumerable.Repeat(_event, 40)) + "]");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
        Assert.Equal("oversize", JsonDocument.Parse(await big.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());

        // Chunked (no Content-Length): the limit is enforced while reading.
        var chunked = new StringContent("[" + string.Join(",", Enumerable.Repeat(_event, 40)) + "]", Encoding.UTF8, "application/json");
        chunked.Headers.ContentLength = null;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/score") { Content = new StreamContent(await chunked.ReadAsStreamAsync()) };
        request.Headers.TransferEncodingChunked = true;
        using var streamed = await _scorer.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, streamed.StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await _scorer.PostAsync(_event, "/bench/constant")).StatusCode);
    }

    [Fact]
    public async Task Random_mutations_of_a_valid_request_never_get_a_500()
    {
        var rng = new Random(11);
        var valid = Encoding.UTF8.GetBytes($"[{_event},{_event}]");
        for (int n = 0; n < 300; n++)
        {
            var bytes = (byte[])valid.Clone();
            for (int k = 0; k < 1 + rng.Next(4); k++) bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
            using var response = await _scorer.Http.PostAsync("/v1/score", new ByteArrayContent(bytes));
            Assert.True((int)response.StatusCode is 200 or (>= 400 and < 500), $"{(int)response.StatusCode} for {Encoding.UTF8.GetString(bytes)}");
        }
        await _scorer.ScoreAsync(_event);
    }

    private async Task<(string Code, string Message)> Error(string body, bool raw = false)
    {
        // raw: chars up to 0xFF are sent as single bytes (to send bytes that are not UTF-8).
        using var response = raw
            ? await _scorer.Http.PostAsync("/v1/score", new ByteArrayContent(body.Select(c => (byte)c).ToArray()))
            : await _scorer.PostAsync(body);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {text}");
        var root = JsonDocument.Parse(text).RootElement;
        return (root.GetProperty("error").GetString()!, root.GetProperty("message").GetString()!);
    }
}
