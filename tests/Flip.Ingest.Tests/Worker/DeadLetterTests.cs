using System.Globalization;
using System.Text;
using Flip.FeatureStore.Events;
using Flip.Hosting;
using Flip.Ingest.Kafka;
using Flip.Ingest.Pipeline;

namespace Flip.Ingest.Tests.Worker;

public class DeadLetterTests
{
    private const string Valid = """{"id":"ID","time":"2000-12-31T22:12:40Z","fields":{"user_id":"1","gender":"female","age":"25-34","occupation":"writer","zip_code":"48067","movie_id":"1193","title":"One Flew Over the Cuckoo's Nest (1975)","genres":"Drama"},"label":1}""";

    /// <summary>Each invalid class and the reason code it must be dead-lettered with.</summary>
    public static IEnumerable<(string Code, byte[]? Value)> InvalidMessages()
    {
        yield return ("invalid_json", Bytes("{\"id\":\"x\", not json"));
        yield return ("wrong_type", Bytes("[1,2,3]")); // valid JSON, but not an object
        yield return ("invalid_json", null); // a tombstone: no value at all
        yield return ("oversize", Bytes(Valid.Replace("ID", "big", StringComparison.Ordinal).Replace("Drama", new string('x', 70_000), StringComparison.Ordinal)));
        yield return ("missing_id", Bytes(Valid.Replace("\"id\":\"ID\",", "", StringComparison.Ordinal)));
        yield return ("missing_field", Bytes(Valid.Replace("\"user_id\":\"1\",", "", StringComparison.Ordinal)));
        yield return ("missing_field", Bytes(Valid.Replace(",\"label\":1", "", StringComparison.Ordinal)));
        yield return ("unknown_field", Bytes(Valid.Replace("\"genres\":\"Drama\"", "\"genres\":\"Drama\",\"color\":\"red\"", StringComparison.Ordinal)));
        yield return ("unknown_field", Bytes(Valid.Replace("\"label\":1", "\"label\":1,\"extra\":true", StringComparison.Ordinal)));
        yield return ("wrong_type", Bytes(Valid.Replace("\"label\":1", "\"label\":\"yes\"", StringComparison.Ordinal)));
        yield return ("wrong_type", Bytes(Valid.Replace("\"movie_id\":\"1193\"", "\"movie_id\":1193", StringComparison.Ordinal)));
        yield return ("bad_label", Bytes(Valid.Replace("\"label\":1", "\"label\":2", StringComparison.Ordinal)));
        yield return ("timestamp_out_of_range", Bytes(Valid.Replace("2000-12-31", "1900-01-01", StringComparison.Ordinal)));
        yield return ("value_too_long", Bytes(Valid.Replace("Drama", new string('d', 600), StringComparison.Ordinal)));
        yield return ("duplicate_key", Bytes(Valid.Replace("\"label\":1", "\"label\":7,\"label\":1", StringComparison.Ordinal)));
        var badUtf8 = Bytes(Valid.Replace("\"zip_code\"", "\"zip_c@de\"", StringComparison.Ordinal));
        badUtf8[Array.IndexOf(badUtf8, (byte)'@')] = 0xFF;
        yield return ("invalid_utf8", badUtf8);
    }

    [Fact]
    public async Task Every_invalid_class_is_dead_lettered_with_its_reason_and_valid_neighbours_are_stored()
    {
        using var kafka = new TestKafka(partitions: 1);
        var invalid = InvalidMessages().ToList();
        var messages = new List<byte[]?>();
        var expectedCodeAtOffset = new Dictionary<long, string>();
        var validIds = new List<string>();
        for (int i = 0; i < invalid.Count; i++)
        {
            // valid, invalid, valid, invalid, ...: every bad message sits between good ones.
            validIds.Add($"ok-{i}");
            messages.Add(Bytes(Valid.Replace("\"ID\"", $"\"ok-{i}\"", StringComparison.Ordinal)));
            expectedCodeAtOffset[messages.Count] = invalid[i].Code;
            messages.Add(invalid[i].Value);
        }
        validIds.Add("ok-last");
        messages.Add(Bytes(Valid.Replace("\"ID\"", "\"ok-last\"", StringComparison.Ordinal)));
        kafka.ProduceRaw(messages);

        await using (var run = await IngestRun.StartAsync(kafka.Kafka, kafka.Ingest(), kafka.Store()))
        {
            await run.WaitForAsync(messages.Count, TimeSpan.FromMinutes(1));
            await run.StopAsync();
            Assert.Equal(validIds.Count, run.Statistics.Stored);
            Assert.Equal(invalid.Count, run.Statistics.DeadLettered);
        }

        var stored = kafka.OpenStore().ReadAll().Select(e => e.Id).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(validIds.Order(StringComparer.Ordinal), stored);

        var dead = kafka.ReadTopic(kafka.Kafka.DeadLetterTopic, invalid.Count, TimeSpan.FromSeconds(60));
        Assert.Equal(invalid.Count, dead.Count);
        foreach (var d in dead)
        {
            string Header(string name) => Encoding.UTF8.GetString(d.Message.Headers.GetLastBytes(name));
            long offset = long.Parse(Header(DeadLetterHeaders.SourceOffset), CultureInfo.InvariantCulture);
            Assert.Equal(expectedCodeAtOffset[offset], Header(DeadLetterHeaders.Reason));
            Assert.False(string.IsNullOrWhiteSpace(Header(DeadLetterHeaders.Message)));
            Assert.Equal(kafka.Kafka.ClicksTopic, Header(DeadLetterHeaders.SourceTopic));
            Assert.Equal("0", Header(DeadLetterHeaders.SourcePartition));
            // The original bytes travel unchanged, so a fixed consumer can replay them.
            Assert.Equal(messages[(int)offset], d.Message.Value);
        }
        Assert.Equal(expectedCodeAtOffset.Keys.Order(), dead.Select(d => long.Parse(Encoding.UTF8.GetString(d.Message.Headers.GetLastBytes(DeadLetterHeaders.SourceOffset)), CultureInfo.InvariantCulture)).Order());
    }

    [Fact]
    public void Reason_codes_under_test_are_the_ones_validation_produces()
    {
        // Guards the table above: each sample really is refused with the code the ingest test expects.
        var json = new ClickEventJson(SyntheticClicks.Schema);
        foreach (var (code, value) in InvalidMessages().Where(m => m.Value is not null))
            Assert.Equal(code, json.Deserialize(value).Rejection?.Code);
        Assert.NotNull(json.Deserialize(Bytes(Valid)).Event);
    }

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);
}
