using System.Text;
using System.Text.Json;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Readers;
using Flip.FeatureStore.Tests.Readers;
using Json.Schema;

namespace Flip.FeatureStore.Tests.Events;

/// <summary>The JSON Schema shipped for producers and the validator the ingest runs must agree (issue 9, finding 7).</summary>
public class ClickEventJsonSchemaTests
{
    private const string Good = """{"id":"e-1","time":"2000-12-31T22:12:40Z","fields":{"user_id":"1","gender":"F","age":"1","occupation":"10","zip_code":"48067","movie_id":"1193","title":"One Flew Over the Cuckoo's Nest (1975)","genres":"Drama"},"label":1}""";

    // Parsed once: JsonSchema.Net registers a schema's $id globally and refuses a second registration.
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(ClickEventJsonSchema.For(MovieLens1MReader.Schema)));

    private static string With(string from, string to) => Good.Replace(from, to, StringComparison.Ordinal);

    /// <summary>Good and bad messages that JSON Schema can judge (size, duplicate keys and UTF-8 are the validator's alone).</summary>
    public static TheoryData<string, string> Messages() => new()
    {
        { "valid", Good },
        { "valid: fields in another order", With("\"user_id\":\"1\",\"gender\":\"F\"", "\"gender\":\"F\",\"user_id\":\"1\"") },
        { "valid: label 0", With("\"label\":1", "\"label\":0") },
        { "valid: id of 128 characters", With("e-1", new string('i', 128)) },
        { "valid: value of 512 characters", With("Drama", new string('d', 512)) },
        { "valid: last instant", With("2000-12-31T22:12:40Z", "2100-01-01T00:00:00Z") },
        { "valid: first instant", With("2000-12-31T22:12:40Z", "1970-01-01T00:00:00Z") },
        { "missing id", With("\"id\":\"e-1\",", "") },
        { "empty id", With("\"id\":\"e-1\"", "\"id\":\"\"") },
        { "id too long", With("e-1", new string('i', 129)) },
        { "id not a string", With("\"id\":\"e-1\"", "\"id\":1") },
        { "missing time", With("\"time\":\"2000-12-31T22:12:40Z\",", "") },
        { "time not a date", With("2000-12-31T22:12:40Z", "yesterday") },
        { "time before 1970", With("2000-12-31", "1969-12-31") },
        { "time after 2100", With("2000-12-31", "2100-01-02") },
        { "missing fields", With(Good[Good.IndexOf("\"fields\"", StringComparison.Ordinal)..(Good.IndexOf("},", StringComparison.Ordinal) + 2)], "") },
        { "missing field", With("\"user_id\":\"1\",", "") },
        { "unknown field", With("\"genres\":\"Drama\"", "\"genres\":\"Drama\",\"color\":\"red\"") },
        { "unknown property", With("\"label\":1", "\"label\":1,\"extra\":true") },
        { "field not a string", With("\"movie_id\":\"1193\"", "\"movie_id\":1193") },
        { "field null", With("\"movie_id\":\"1193\"", "\"movie_id\":null") },
        { "value too long", With("Drama", new string('d', 513)) },
        { "fields not an object", With(Good[Good.IndexOf("{\"user_id\"", StringComparison.Ordinal)..(Good.IndexOf("},", StringComparison.Ordinal) + 1)], "[]") },
        { "missing label", With(",\"label\":1", "") },
        { "label 2", With("\"label\":1", "\"label\":2") },
        { "label a string", With("\"label\":1", "\"label\":\"1\"") },
        { "not an object", "[1,2,3]" },
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void The_schema_and_the_validator_agree(string what, string message)
    {
        var validator = new ClickEventJson(MovieLens1MReader.Schema);
        var schema = Schema.Value;

        bool accepted = validator.Deserialize(Encoding.UTF8.GetBytes(message)).Event is not null;
        var result = schema.Evaluate(JsonDocument.Parse(message).RootElement, new EvaluationOptions { RequireFormatValidation = true });

        Assert.Equal(what.StartsWith("valid", StringComparison.Ordinal), accepted);
        Assert.True(accepted == result.IsValid, $"{what}: validator {(accepted ? "accepts" : "refuses")}, schema {(result.IsValid ? "accepts" : "refuses")}");
    }

    [Fact]
    public void The_shipped_schema_files_are_what_the_generator_writes()
    {
        foreach (var name in DatasetCatalog.Names)
        {
            var path = Path.Combine(TestData.RepoRoot, "docs", "schemas", $"click-event.{name}.schema.json");
            var expected = ClickEventJsonSchema.For(DatasetCatalog.Schema(name));
            if (Environment.GetEnvironmentVariable("FLIP_WRITE_SCHEMAS") == "1") File.WriteAllText(path, expected);
            Assert.True(File.Exists(path), $"{path} is missing (run the tests once with FLIP_WRITE_SCHEMAS=1)");
            Assert.Equal(expected, File.ReadAllText(path));
        }
    }
}
