using Flip.FeatureStore.Events;

namespace Flip.Trainer.Online.Tests.Vocabulary;

public sealed class EmbeddingRowTableTests
{
    private static ClickEvent Event(DateTime time, string user, string item = "i", string context = "c") => new("x", time, [user, item, context], 0);

    [Fact]
    public void A_value_gets_its_own_row_only_after_min_count_sightings()
    {
        var table = new EmbeddingRowTable(TestStores.Schema, minCount: 3, TimeSpan.Zero, initialRows: 16, 1.5, maxRows: 100);
        var rows = new int[3];
        for (int i = 0; i < 2; i++) table.Observe(Event(TestStores.Start, "u1"));
        table.Encode(Event(TestStores.Start, "u1"), rows);
        Assert.Equal(table.UnknownRow(0), rows[0]);
        table.Observe(Event(TestStores.Start, "u1"));
        table.Encode(Event(TestStores.Start, "u1"), rows);
        Assert.True(rows[0] >= table.ReservedRows);
    }

    [Fact]
    public void Memory_stays_bounded_on_an_endless_stream_of_new_values_by_expiry_and_the_row_cap()
    {
        var table = new EmbeddingRowTable(TestStores.Schema, minCount: 1, TimeSpan.FromHours(1), initialRows: 16, 1.5, maxRows: 200);
        var time = TestStores.Start;
        for (int i = 0; i < 20_000; i++)
        {
            time = time.AddSeconds(10);
            table.Observe(Event(time, $"user-{i}", $"item-{i % 50}"));
            table.Expire(time);
        }
        // One hour of new users at one per 10 s is 360 values: expiry alone keeps ~400 rows, the cap keeps 200.
        Assert.True(table.Capacity <= 200);
        Assert.True(table.HighWater <= 200);
        Assert.True(table.PendingValues <= 400, $"pending {table.PendingValues}"); // refused values are forgotten after an hour too
        var rows = new int[3];
        table.Encode(Event(time, "user-19999", "item-49"), rows);
        Assert.True(rows[1] >= table.ReservedRows, "a value seen every 50 events keeps its row");

        // With a looser cap expiry alone bounds it: rows in use never exceed what one expiry span brings, plus the scan slack.
        var loose = new EmbeddingRowTable(TestStores.Schema, minCount: 1, TimeSpan.FromHours(1), initialRows: 16, 1.5, maxRows: 1_000_000);
        time = TestStores.Start;
        for (int i = 0; i < 20_000; i++)
        {
            time = time.AddSeconds(10);
            loose.Observe(Event(time, $"user-{i}"));
            loose.Expire(time);
        }
        Assert.InRange(loose.AdmittedRows, 360, 360 * 1.1 + 3);
        Assert.True(loose.Capacity < 1000, $"capacity {loose.Capacity}");
    }

    [Fact]
    public void Expired_rows_are_reused_and_the_compact_vocabulary_maps_ids_back_to_rows()
    {
        var table = new EmbeddingRowTable(TestStores.Schema, minCount: 1, TimeSpan.FromHours(1), initialRows: 16, 1.5, maxRows: 100);
        table.Observe(Event(TestStores.Start, "old"));
        var rows = new int[3];
        table.Encode(Event(TestStores.Start, "old"), rows);
        int oldRow = rows[0];
        var later = TestStores.Start.AddHours(2);
        Assert.Contains(oldRow, table.Expire(later));
        table.Observe(Event(later, "new", "i2", "c2"));
        table.Encode(Event(later, "new"), rows);
        Assert.Equal(oldRow, rows[0]);

        var (vocabulary, rowOfId) = table.ToCompactVocabulary();
        Assert.Equal(vocabulary.Count, rowOfId.Length);
        int id = vocabulary.Lookup(0, "new");
        Assert.Equal(oldRow, rowOfId[id]);
        Assert.Equal(vocabulary.UnknownId(0), vocabulary.Lookup(0, "old"));
    }

    [Fact]
    public void Save_and_load_keep_rows_counts_and_free_list()
    {
        var table = new EmbeddingRowTable(TestStores.Schema, minCount: 2, TimeSpan.FromHours(1), initialRows: 16, 1.5, maxRows: 100);
        for (int i = 0; i < 40; i++) table.Observe(Event(TestStores.Start.AddMinutes(i), $"u{i % 7}", $"i{i % 5}"));
        var path = Path.Combine(TestStores.TempDirectory("rows"), "rows.json");
        table.Save(path);
        var loaded = EmbeddingRowTable.Load(path, TestStores.Schema, 2, TimeSpan.FromHours(1), 1.5, 100);
        Assert.Equal(table.Capacity, loaded.Capacity);
        Assert.Equal(table.Version, loaded.Version);
        Assert.Equal(table.AdmittedInRowOrder(), loaded.AdmittedInRowOrder());
        var other = new Flip.FeatureStore.Schema.DatasetSchema("other", [new("a", "a")], new(0.5));
        Assert.Throws<TrainerConfigurationException>(() => EmbeddingRowTable.Load(path, other, 2, TimeSpan.FromHours(1), 1.5, 100));
    }
}
