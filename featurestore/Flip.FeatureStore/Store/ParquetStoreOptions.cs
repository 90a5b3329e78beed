using Flip.FeatureStore.Errors;
using Parquet;

namespace Flip.FeatureStore.Store;

/// <summary>How <see cref="ParquetEventStore"/> writes its files. Bind from configuration section <c>Store</c>.</summary>
/// <remarks>
/// A record so that a variant is made with <c>options with { Fsync = false }</c>, which copies every option: a
/// hand-written field-by-field copy once dropped <see cref="Parallelism"/> (added later) without anyone noticing.
/// </remarks>
public sealed record ParquetStoreOptions
{
    /// <summary>Configuration section these options bind from.</summary>
    public const string SectionName = "Store";

    /// <summary>
    /// Folder of the store, for hosts that build the store from configuration (the constructor's
    /// <c>root</c> argument wins when code passes one). Default <c>store</c>.
    /// </summary>
    public string Root { get; set; } = "store";

    /// <summary>
    /// Rows per Parquet row group. Default 65,536: an hour partition of a click stream usually fits in
    /// one group (one read per column), while a very busy hour still splits into groups a reader can
    /// stream without holding hundreds of MB of decoded strings.
    /// </summary>
    public int RowGroupSize { get; set; } = 65_536;

    /// <summary>
    /// Column compression. Default <see cref="CompressionMethod.Snappy"/>: cheap to decode, and these
    /// columns are small categorical strings that dictionary encoding already shrinks most.
    /// </summary>
    public CompressionMethod Compression { get; set; } = CompressionMethod.Snappy;

    /// <summary>
    /// When true (default) every file is fsync'd before its atomic rename and its folder after it, so
    /// a file that is visible survives a power loss. Turn off only for throwaway stores (benchmarks of
    /// the encoding itself, scratch copies).
    /// </summary>
    public bool Fsync { get; set; } = true;

    /// <summary>
    /// Temporary files (a write interrupted by a crash) older than this are deleted when a store is
    /// opened. Default 15 minutes: long enough that a write still in flight in another process sharing
    /// the store is never pulled from under it.
    /// </summary>
    public TimeSpan StaleTempFileAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Hour partitions written or read ahead at the same time. Default: the number of processors. A bulk
    /// load of a historical dataset touches thousands of small hourly files, where per-file costs dominate;
    /// a live batch touches one or two, where this makes no difference.
    /// </summary>
    public int Parallelism { get; set; } = Environment.ProcessorCount;

    internal void Validate()
    {
        if (RowGroupSize <= 0) throw new UserInputException("Store:RowGroupSize must be positive.");
        if (Parallelism <= 0) throw new UserInputException("Store:Parallelism must be positive.");
        if (StaleTempFileAge < TimeSpan.Zero) throw new UserInputException("Store:StaleTempFileAge must not be negative.");
        if (!Enum.IsDefined(Compression)) throw new UserInputException("Store:Compression is not a known compression method.");
    }
}
