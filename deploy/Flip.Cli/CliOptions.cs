using System.CommandLine;
using System.Text.Json;

namespace Flip.Cli;

/// <summary>
/// Options that several commands share, so they are spelled, typed and described once: <c>--dataset</c>, <c>--path</c>,
/// <c>--limit</c> (int?, first N events), <c>--batch-size</c>, <c>--out</c> (a folder to write to), <c>--json</c>.
/// Torch's <c>--threads</c> and <c>--device</c> are in <see cref="TorchCliOptions"/>.
/// </summary>
internal static class CliOptions
{
    public static Option<string> Dataset() => new("--dataset", "-d")
    {
        Description = $"Dataset format: {Flip.FeatureStore.Readers.DatasetCatalog.Description}",
        Required = true,
    };

    public static Option<DirectoryInfo> DatasetPath() => new("--path", "-p")
    {
        Description = "Folder holding the dataset's original files",
        Required = true,
    };

    public static Option<bool> Json() => new("--json")
    {
        Description = "Print machine-readable JSON instead of a table",
    };

    /// <summary><c>--limit/-n</c>: the first N events in chronological order; null = all. Values below 1 are a parse error (exit 2).</summary>
    public static Option<int?> Limit(string description = "Use only the first N events in chronological order (default: all)", int? defaultValue = null)
    {
        var limit = new Option<int?>("--limit", "-n") { Description = description };
        if (defaultValue is { } d) limit.DefaultValueFactory = _ => d;
        limit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 1 and var n) r.AddError($"--limit must be at least 1 (got {n}).");
        });
        return limit;
    }

    /// <summary><c>--batch-size</c>: samples (or pairs) per training step.</summary>
    public static Option<int> BatchSize(int defaultValue, string what = "Samples per training step")
    {
        var batch = new Option<int>("--batch-size") { Description = $"{what} (default {defaultValue})", DefaultValueFactory = _ => defaultValue };
        batch.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1) r.AddError($"--batch-size must be at least 1 (got {r.GetValueOrDefault<int>()}).");
        });
        return batch;
    }

    /// <summary><c>--out/-o</c>: the folder a command writes its checkpoint, store or result files into.</summary>
    public static Option<DirectoryInfo?> Out(string description) => new("--out", "-o") { Description = description };

    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
