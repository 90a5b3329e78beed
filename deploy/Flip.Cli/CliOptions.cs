using System.CommandLine;
using System.Text.Json;

namespace Flip.Cli;

/// <summary>Options that several commands share, so they are spelled and described once.</summary>
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

    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
