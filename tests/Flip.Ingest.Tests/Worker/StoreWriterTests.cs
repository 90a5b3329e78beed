using Flip.FeatureStore.Store;
using Flip.Ingest.Worker;

namespace Flip.Ingest.Tests.Worker;

public sealed class StoreWriterTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"flip-store-writer-{Guid.NewGuid():N}");

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void Group_sync_turns_off_the_stores_own_fsync_and_keeps_every_other_store_option()
    {
        // Store:Parallelism used to be dropped here (a field-by-field copy of the options), so it was ignored under group sync.
        var options = new ParquetStoreOptions { Root = _root, Parallelism = 3, RowGroupSize = 1000, Compression = Parquet.CompressionMethod.Gzip, Fsync = true };

        var writer = new StoreWriter(options, SyntheticClicks.Schema, new IngestOptions { GroupSync = true });

        Assert.True(writer.GroupSync);
        Assert.Equal(options with { Fsync = false, Root = writer.Store.Options.Root }, writer.Store.Options);
        Assert.Equal(3, writer.Store.Options.Parallelism);
    }

    [Fact]
    public void Without_group_sync_the_options_are_used_as_given()
    {
        var options = new ParquetStoreOptions { Root = _root, Parallelism = 3, Fsync = true };

        var writer = new StoreWriter(options, SyntheticClicks.Schema, new IngestOptions { GroupSync = false });

        Assert.False(writer.GroupSync);
        Assert.Same(options, writer.Store.Options);
    }

    [Fact]
    public void A_batch_over_many_hours_is_written_as_one_append_would_write_it()
    {
        var writer = new StoreWriter(new ParquetStoreOptions { Root = _root, Fsync = false }, SyntheticClicks.Schema, new IngestOptions { WriteParallelism = 4 });
        var events = SyntheticClicks.Generate(600, hours: 12);

        var files = writer.Write(events, "flip.clicks-0-00000000000000000000-00000000000000000599");

        Assert.Equal(12, files.Count);
        TestKafka.AssertExactlyOnce(events, writer.Store.ReadAll().ToList());
    }
}
