namespace Flip.Registry;

/// <summary>
/// A registry folder that is not a valid model: no or unreadable manifest, a missing, extra or altered file. The
/// message names the version and the file; readers refuse the version and keep serving what they have.
/// </summary>
public sealed class CorruptModelException(string version, string file, string reason)
    : IOException($"Model version {version} is refused: {file}: {reason}")
{
    public string Version { get; } = version;
    public string File { get; } = file;
    public string Reason { get; } = reason;
}
