using Flip.FeatureStore.Store;
using Microsoft.Extensions.Configuration;
using Parquet;

namespace Flip.FeatureStore.Tests.Store;

public class ParquetStoreOptionsTests
{
    [Fact]
    public void Options_bind_from_the_Store_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Store:Root"] = "/data/store",
            ["Store:RowGroupSize"] = "1000",
            ["Store:Compression"] = "Zstd",
            ["Store:Fsync"] = "false",
            ["Store:StaleTempFileAge"] = "00:05:00",
            ["Store:Parallelism"] = "4",
        }).Build();

        var options = configuration.GetSection(ParquetStoreOptions.SectionName).Get<ParquetStoreOptions>()!;

        Assert.Equal("/data/store", options.Root);
        Assert.Equal(1000, options.RowGroupSize);
        Assert.Equal(CompressionMethod.Zstd, options.Compression);
        Assert.False(options.Fsync);
        Assert.Equal(TimeSpan.FromMinutes(5), options.StaleTempFileAge);
        Assert.Equal(4, options.Parallelism);
    }

    [Fact]
    public void A_with_copy_keeps_every_option()
    {
        // Every settable option gets a non-default value; a copy that changes Fsync (as the ingest's group sync does) must keep all of the others.
        var options = new ParquetStoreOptions
        {
            Root = "/data/x", RowGroupSize = 123, Compression = CompressionMethod.Zstd, Fsync = false,
            StaleTempFileAge = TimeSpan.FromSeconds(7), Parallelism = 3,
        };
        var defaults = new ParquetStoreOptions();
        var properties = typeof(ParquetStoreOptions).GetProperties().Where(p => p.CanWrite).ToList();
        Assert.All(properties, p => Assert.NotEqual(p.GetValue(defaults), p.GetValue(options)));

        var copy = options with { Fsync = true };

        Assert.True(copy.Fsync);
        Assert.All(properties.Where(p => p.Name != nameof(ParquetStoreOptions.Fsync)), p => Assert.Equal(p.GetValue(options), p.GetValue(copy)));
    }

    [Fact]
    public void Defaults_are_the_documented_ones()
    {
        var options = new ParquetStoreOptions();
        Assert.Equal("store", options.Root);
        Assert.Equal(65_536, options.RowGroupSize);
        Assert.Equal(CompressionMethod.Snappy, options.Compression);
        Assert.True(options.Fsync);
        Assert.Equal(TimeSpan.FromMinutes(15), options.StaleTempFileAge);
        Assert.Equal(Environment.ProcessorCount, options.Parallelism);
    }
}
