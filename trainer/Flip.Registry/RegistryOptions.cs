namespace Flip.Registry;

/// <summary>Where the model registry lives and how much of it is kept. Bind from configuration section <c>Registry</c>.</summary>
public sealed class RegistryOptions
{
    public const string SectionName = "Registry";

    /// <summary>Root folder of the registry (holds <c>models/</c>, <c>LATEST</c>, <c>PINNED</c>, <c>evaluation.jsonl</c>). Default <c>registry</c> (relative to the working folder).</summary>
    public string Root { get; set; } = "registry";

    /// <summary>
    /// Versions kept after a publish: the newest <c>Keep</c>, plus always the one <c>LATEST</c> names and the pinned
    /// one. Default 10. Must be at least 1.
    /// </summary>
    public int Keep { get; set; } = 10;

    /// <summary>fsync files and folders on publish (off only for throwaway registries in benchmarks). Default true.</summary>
    public bool Fsync { get; set; } = true;
}
