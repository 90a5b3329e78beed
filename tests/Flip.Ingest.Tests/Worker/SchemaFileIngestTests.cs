using System.Text;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Readers;
using Flip.FeatureStore.Store;
using Flip.Ingest.Dev.Replay;
using Flip.Ingest.Pipeline;

namespace Flip.Ingest.Tests.Worker;

/// <summary>A user's own click log described by a schema file (docs/schema-file.md) goes through the same ingest as a built-in dataset.</summary>
public class SchemaFileIngestTests
{
    private const string SchemaJson = """
        {
          "name": "shop-clicks",
          "file": "clicks.csv",
          "id": "click_id",
          "timestamp": { "column": "ts", "format": "unix-seconds" },
          "label": { "column": "clicked" },
          "fields": [ { "name": "user" }, { "name": "item" }, { "name": "price", "kind": "numeric" } ]
        }
        """;

    [Fact]
    public async Task A_schema_file_dataset_is_ingested_and_the_store_records_its_schema()
    {
        using var kafka = new TestKafka(partitions: 2);
        var folder = Path.Combine(kafka.StoreRoot + "-data");
        Directory.CreateDirectory(folder);
        try
        {
            var schemaPath = Path.Combine(folder, "shop.schema.json");
            File.WriteAllText(schemaPath, SchemaJson);
            var csv = new StringBuilder("click_id,ts,clicked,user,item,price\n");
            for (int i = 0; i < 300; i++) csv.Append($"c{i},{1_700_000_000 + i * 37},{i % 3 % 2},u{i % 17},sku-{i % 41},{(i % 9) * 5}\n");
            File.WriteAllText(Path.Combine(folder, "clicks.csv"), csv.ToString());

            var reader = DatasetCatalog.Open(schemaPath, folder);
            var events = reader.ReadEvents().ToList();
            Assert.Equal(300, events.Count);
            new EventReplayer(kafka.Kafka, reader.Schema).Replay(() => events, new ReplayOptions());

            var ingest = kafka.Ingest();
            ingest.Dataset = schemaPath; // Ingest:Dataset accepts a schema file like every other dataset option
            await using (var run = await IngestRun.StartAsync(kafka.Kafka, ingest, kafka.Store()))
            {
                await run.WaitForAsync(events.Count, TimeSpan.FromMinutes(1));
                await run.StopAsync();
                Assert.Equal(0, run.Statistics.DeadLettered);
            }

            // A reader needs nothing but the folder: the store tells its schema.
            var store = ParquetEventStore.Open(kafka.StoreRoot);
            Assert.Equal("shop-clicks", store.Schema.Name);
            Assert.Equal(["user", "item", "price"], store.Schema.FieldNames);
            TestKafka.AssertExactlyOnce(events, store.ReadAll().ToList());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
