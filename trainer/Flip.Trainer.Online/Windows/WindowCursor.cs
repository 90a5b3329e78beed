namespace Flip.Trainer.Online;

/// <summary>
/// Where the planner is in the store: every stored event with time before <see cref="CursorUtc"/> in a file listed in
/// <see cref="KnownFiles"/> has been consumed; a file not listed whose hour lies before the cursor holds late events.
/// <see cref="KnownFiles"/> only keeps files of hours within the late horizon, so it stays bounded.
/// </summary>
public sealed class WindowCursor
{
    /// <summary>End (exclusive) of the last consumed window; null before the first.</summary>
    public DateTime? CursorUtc { get; set; }

    /// <summary>Store files (paths relative to <c>events/</c>, <c>/</c>-separated) already consumed, within the late horizon.</summary>
    public SortedSet<string> KnownFiles { get; set; } = new(StringComparer.Ordinal);

    public WindowCursor Clone() => new() { CursorUtc = CursorUtc, KnownFiles = new SortedSet<string>(KnownFiles, StringComparer.Ordinal) };
}
