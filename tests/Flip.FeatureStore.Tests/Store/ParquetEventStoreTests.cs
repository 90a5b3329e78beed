using Flip.FeatureStore.Errors;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;
using Flip.FeatureStore.Store;
using Parquet;

namespace Flip.FeatureStore.Tests.Store;

public sealed class ParquetEventStoreTests : IDisposable
{
    private static readonly DatasetSchema Schema = SyntheticEvents.Schema;
    private static readonly DateTime T0 = SyntheticEvents.Start; // 2000-12-31 22:00 UTC
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private ParquetEventStore Open(ParquetStoreOptions? options = null) => new(_dir.Path, Schema, options);

    private string Relative(string path) => Path.GetRelativePath(_dir.Path, path).Replace('\\', '/');

    [Fact]
    public void Events_round_trip_with_values_microsecond_times_labels_and_unicode()
    {
        var store = Open();
        var events = SyntheticEvents.Stream(40, T0.AddTicks(9_876_540), TimeSpan.FromTicks(10_000_010));
        store.Append(events, "src-1");

        var read = store.ReadAll().ToList();

        SyntheticEvents.AssertSame(events, read);
        Assert.Contains(read, e => e.Values[2] == "Amélie (2001)");
        Assert.Contains(read, e => e.Values[2] == "東京物語");
        Assert.Contains(read, e => e.Values[2] == "");
        Assert.Equal(40, store.Count());
    }

    [Fact]
    public void Finer_than_microsecond_ticks_are_truncated_on_write()
    {
        var store = Open();
        var time = T0.AddTicks(12_345_678);
        store.Append([SyntheticEvents.Event(1, time)], "src");
        Assert.Equal(time.AddTicks(-8), store.ReadAll().Single().EventTime);
    }

    [Fact]
    public void Files_land_in_date_and_hour_partitions_named_after_the_source()
    {
        var store = Open();
        // 22:10, 22:50, 23:30 on Dec 31 and 00:10 on Jan 1: three hours, two dates.
        var events = new[] { 10, 50, 90, 130 }.Select((m, i) => SyntheticEvents.Event(i, T0.AddMinutes(m))).ToList();

        var written = store.Append(events, "flip.clicks-3-1200-1299");

        string[] expected =
        [
            "events/date=2000-12-31/hour=22/flip.clicks-3-1200-1299.parquet",
            "events/date=2000-12-31/hour=23/flip.clicks-3-1200-1299.parquet",
            "events/date=2001-01-01/hour=00/flip.clicks-3-1200-1299.parquet",
        ];
        Assert.Equal(expected, written.Select(Relative));
        var onDisk = Directory.EnumerateFiles(_dir.Path, "*", SearchOption.AllDirectories).Select(Relative).Order(StringComparer.Ordinal);
        Assert.Equal(expected.Append("schema.json"), onDisk); // plus the store's own description
        Assert.Equal(expected, store.ListFiles().Select(f => Relative(f.Path)));
        Assert.Equal([T0, T0.AddHours(1), T0.AddHours(2)], store.ListFiles().Select(f => f.Hour));
        Assert.All(store.ListFiles(), f => Assert.Equal("flip.clicks-3-1200-1299", f.SourceId));
        Assert.All(store.ListFiles(), f => Assert.True(f.SizeBytes > 0));
    }

    [Fact]
    public void Rewriting_the_same_input_replaces_the_same_files()
    {
        var store = Open();
        var events = SyntheticEvents.Stream(30, T0, TimeSpan.FromMinutes(5)); // spans 3 hours

        var first = store.Append(events, "flip.clicks-0-0-29");
        var filesBefore = store.ListFiles().Select(f => f.Path).ToList();
        var second = Open().Append(events, "flip.clicks-0-0-29"); // as a restarted consumer would

        Assert.Equal(first, second);
        Assert.Equal(filesBefore, store.ListFiles().Select(f => f.Path));
        Assert.Equal(30, store.Count());
        SyntheticEvents.AssertSame(events, store.ReadAll().ToList());
    }

    [Fact]
    public void Reads_are_chronological_across_files_and_partitions()
    {
        var store = Open();
        // Two sources interleave in time inside the same hours, and the later hours are written first.
        var a = SyntheticEvents.Stream(20, T0.AddMinutes(1), TimeSpan.FromMinutes(6), "a");
        var b = SyntheticEvents.Stream(20, T0.AddMinutes(4), TimeSpan.FromMinutes(6), "b");
        store.Append(b, "src-b");
        store.Append(a.AsEnumerable().Reverse().ToList(), "src-a"); // unsorted input within a file

        var read = store.ReadAll().ToList();

        var expected = a.Concat(b).OrderBy(e => e.EventTime).ToList();
        SyntheticEvents.AssertSame(expected, read);
        Assert.True(store.ListFiles().Count >= 4);
    }

    [Fact]
    public void Ties_keep_file_name_order_then_row_order()
    {
        var store = Open();
        var t = T0.AddMinutes(30);
        store.Append([SyntheticEvents.Event(1, t, "z"), SyntheticEvents.Event(2, t, "y")], "src-b");
        store.Append([SyntheticEvents.Event(3, t, "x"), SyntheticEvents.Event(4, t.AddMinutes(-1), "w"), SyntheticEvents.Event(5, t, "v")], "src-a");

        var ids = store.ReadAll().Select(e => e.Id).ToList();

        // Earlier time first; then equal times by file (src-a before src-b), then by row inside a file.
        Assert.Equal(["w4", "x3", "v5", "z1", "y2"], ids);
    }

    [Fact]
    public void Range_reads_are_half_open_and_skip_other_partitions()
    {
        var store = Open();
        var events = SyntheticEvents.Stream(48, T0, TimeSpan.FromMinutes(15)); // 12 hours
        store.Append(events, "src");
        var from = T0.AddHours(2).AddMinutes(15);
        var to = T0.AddHours(5);

        var read = store.ReadRange(from, to).ToList();

        SyntheticEvents.AssertSame(events.Where(e => e.EventTime >= from && e.EventTime < to).ToList(), read);
        Assert.Equal(from, read[0].EventTime);
        Assert.Equal(to.AddMinutes(-15), read[^1].EventTime);

        // Pruning: a corrupt file in an hour outside the range is never opened.
        File.WriteAllText(Path.Combine(store.EventsDirectory, "date=2001-01-01", "hour=09", "broken.parquet"), "not parquet");
        Assert.Equal(read.Count, store.ReadRange(from, to).Count());
        Assert.Throws<StoreFormatException>(() => store.ReadAll().ToList());
    }

    [Fact]
    public void Temp_files_are_ignored_by_readers_and_removed_when_stale()
    {
        var store = Open();
        store.Append(SyntheticEvents.Stream(5, T0, TimeSpan.FromMinutes(1)), "src");
        var partition = Path.Combine(store.EventsDirectory, "date=2000-12-31", "hour=22");
        var fresh = Path.Combine(partition, "src2.parquet.0123456789abcdef.tmp");
        var stale = Path.Combine(partition, "src3.parquet.fedcba9876543210.tmp");
        File.WriteAllText(fresh, "half a file");
        File.WriteAllText(stale, "half a file");
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-1));

        Assert.Single(store.ListFiles());
        Assert.Equal(5, store.ReadAll().Count());

        Open(); // opening cleans up what a crash left behind, but not a write that may still be running
        Assert.True(File.Exists(fresh));
        Assert.False(File.Exists(stale));

        Open(new ParquetStoreOptions { StaleTempFileAge = TimeSpan.Zero });
        Assert.False(File.Exists(fresh));
        Assert.Equal(5, store.ReadAll().Count());
    }

    [Fact]
    public void A_file_written_for_another_schema_is_refused_naming_the_file()
    {
        Open().Append(SyntheticEvents.Stream(3, T0, TimeSpan.FromMinutes(1)), "src");
        // A store from before schema files: only the per-file check stands between the files and a wrong schema.
        File.Delete(Path.Combine(_dir.Path, StoreLayout.SchemaFileName));
        var other = new DatasetSchema("synthetic", [new FieldSchema("user_id", "user id"), new FieldSchema("item_id", "item id")], new LabelRule(3));
        var store = new ParquetEventStore(_dir.Path, other);

        var error = Assert.Throws<StoreFormatException>(() => store.ReadAll().ToList());
        Assert.EndsWith("src.parquet", error.File);
        Assert.Contains("src.parquet", error.Message);
        Assert.Contains("user_id,item_id,title,age", error.Message);
        Assert.Throws<StoreFormatException>(() => store.Count());
    }

    [Fact]
    public void The_store_writes_its_schema_at_the_first_write_and_opens_from_its_root_alone()
    {
        var store = Open();
        var schemaFile = Path.Combine(_dir.Path, "schema.json");
        Assert.False(File.Exists(schemaFile)); // nothing written yet
        store.Append(SyntheticEvents.Stream(5, T0, TimeSpan.FromMinutes(20)), "src");
        Assert.True(File.Exists(schemaFile));
        Assert.Empty(Directory.EnumerateFiles(_dir.Path, "*.tmp")); // written via temp file + rename

        var reopened = ParquetEventStore.Open(_dir.Path);
        Assert.Equal(Schema.Name, reopened.Schema.Name);
        Assert.Equal(Schema.Fields, reopened.Schema.Fields);
        Assert.Equal(Schema.LabelRule, reopened.Schema.LabelRule);
        Assert.Equal(Path.Combine(_dir.Path, "vocab"), reopened.VocabularyDirectory);
        Assert.Equal(store.Watermark, reopened.Watermark);
        Assert.Equal(5, reopened.ReadAll().Count());
    }

    [Fact]
    public void Reopening_with_another_schema_is_refused_naming_the_schema_file()
    {
        Open().Append(SyntheticEvents.Stream(3, T0, TimeSpan.FromMinutes(1)), "src");
        var other = new DatasetSchema("synthetic", [new FieldSchema("user_id", "user id"), new FieldSchema("item_id", "item id")], new LabelRule(3));

        var error = Assert.Throws<StoreFormatException>(() => new ParquetEventStore(_dir.Path, other));
        Assert.Equal(Path.Combine(_dir.Path, "schema.json"), error.File);
        Assert.Contains("user_id,item_id", error.Message);
        Open(); // the same schema opens fine
    }

    [Fact]
    public void Opening_a_folder_without_schema_says_so()
    {
        var error = Assert.Throws<StoreFormatException>(() => ParquetEventStore.Open(_dir.Path));
        Assert.EndsWith("schema.json", error.File);
        Assert.Throws<DirectoryNotFoundException>(() => ParquetEventStore.Open(Path.Combine(_dir.Path, "missing")));
    }

    [Fact]
    public void A_file_that_is_not_parquet_is_refused_naming_the_file()
    {
        var store = Open();
        store.Append(SyntheticEvents.Stream(3, T0, TimeSpan.FromMinutes(1)), "src");
        var bad = Path.Combine(store.EventsDirectory, "date=2000-12-31", "hour=22", "garbage.parquet");
        File.WriteAllBytes(bad, new byte[100]);

        var error = Assert.Throws<StoreFormatException>(() => store.ReadAll().ToList());
        Assert.Equal(bad, error.File);
    }

    [Theory]
    [InlineData("")]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData(".hidden")]
    [InlineData("with space")]
    public void Source_ids_that_cannot_name_a_file_are_refused(string sourceId)
    {
        var store = Open();
        Assert.Throws<ArgumentException>(() => store.Append(SyntheticEvents.Stream(1, T0, TimeSpan.Zero), sourceId));
        Assert.Empty(Directory.EnumerateFiles(_dir.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void One_bad_event_writes_nothing()
    {
        var store = Open();
        var events = SyntheticEvents.Stream(10, T0, TimeSpan.FromHours(1));
        events.Add(new ClickEvent("bad", T0, ["only one value"], 0));

        var error = Assert.Throws<ArgumentException>(() => store.Append(events, "src"));
        Assert.Contains("'bad'", error.Message);
        Assert.Empty(store.ListFiles());
    }

    [Fact]
    public void Empty_input_and_empty_store()
    {
        var store = Open();
        Assert.Empty(store.Append([], "src"));
        Assert.Empty(store.ListFiles());
        Assert.Empty(store.ReadAll());
        Assert.Empty(store.ReadRange(T0, T0.AddDays(1)));
        Assert.Equal(0, store.Count());
        Assert.Null(store.Watermark);
    }

    [Fact]
    public void Watermark_is_the_latest_event_time_stored()
    {
        var store = Open();
        store.Append(SyntheticEvents.Stream(10, T0, TimeSpan.FromMinutes(20)), "late"); // up to T0+3h
        store.Append([SyntheticEvents.Event(99, T0.AddHours(3).AddMinutes(59).AddTicks(10))], "src-b");
        store.Append([SyntheticEvents.Event(98, T0.AddHours(3).AddMinutes(1))], "src-a");
        Assert.Equal(T0.AddHours(3).AddMinutes(59).AddTicks(10), store.Watermark);
    }

    [Fact]
    public async Task Large_batches_split_into_row_groups_and_still_round_trip()
    {
        var store = Open(new ParquetStoreOptions { RowGroupSize = 7, Compression = CompressionMethod.Zstd, Fsync = false });
        var events = SyntheticEvents.Stream(50, T0, TimeSpan.FromSeconds(10));
        var file = store.Append(events, "src").Single();

        await using (var reader = await ParquetReader.CreateAsync(file))
        {
            Assert.Equal(8, reader.RowGroupCount); // ceil(50 / 7)
            Assert.Equal("synthetic", reader.CustomMetadata[ArrowEventBatch.SchemaNameKey]);
        }
        SyntheticEvents.AssertSame(events, store.ReadAll().ToList());
        Assert.Equal(50, store.Count());
    }

    [Fact]
    public async Task Arrow_batches_append_and_async_reads_match_sync_reads()
    {
        var store = Open();
        var events = SyntheticEvents.Stream(12, T0, TimeSpan.FromMinutes(11));
        using var batch = ArrowEventBatch.ToRecordBatch(Schema, events);

        var written = await store.AppendAsync(batch, "arrow-src");

        Assert.Equal(3, written.Count);
        var read = new List<ClickEvent>();
        await foreach (var e in store.ReadAllAsync()) read.Add(e);
        SyntheticEvents.AssertSame(events, read);
        Assert.Equal(12, await store.CountAsync());
    }

    [Fact]
    public void Reading_many_partitions_with_read_ahead_keeps_order_and_can_stop_early()
    {
        var store = Open(new ParquetStoreOptions { Parallelism = 3, Fsync = false });
        var events = SyntheticEvents.Stream(200, T0, TimeSpan.FromMinutes(37)); // about 120 hour partitions
        Assert.Equal(events.Select(e => HourOf(e.EventTime)).Distinct().Count(), store.Append(events, "src").Count);

        SyntheticEvents.AssertSame(events, store.ReadAll().ToList());
        SyntheticEvents.AssertSame(events.Take(3).ToList(), store.ReadAll().Take(3).ToList());
        Assert.Throws<ArgumentException>(() => store.ReadRange(T0.AddHours(1), T0));
    }

    private static DateTime HourOf(DateTime t) => new(t.Year, t.Month, t.Day, t.Hour, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Invalid_options_are_refused()
    {
        Assert.Throws<UserInputException>(() => Open(new ParquetStoreOptions { RowGroupSize = 0 }));
        Assert.Throws<UserInputException>(() => Open(new ParquetStoreOptions { Parallelism = 0 }));
        Assert.Throws<UserInputException>(() => Open(new ParquetStoreOptions { StaleTempFileAge = TimeSpan.FromSeconds(-1) }));
    }
}
