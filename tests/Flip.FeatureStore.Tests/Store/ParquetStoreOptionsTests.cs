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
