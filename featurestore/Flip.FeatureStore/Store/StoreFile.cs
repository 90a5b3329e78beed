namespace Flip.FeatureStore.Store;

/// <summary>One data file of a <see cref="ParquetEventStore"/>.</summary>
/// <param name="Path">Full path of the file.</param>
/// <param name="Hour">Start (UTC) of the hour partition that holds it.</param>
/// <param name="SourceId">The source id it was written under (its name without <c>.parquet</c>).</param>
/// <param name="SizeBytes">Size on disk.</param>
public sealed record StoreFile(string Path, DateTime Hour, string SourceId, long SizeBytes);
