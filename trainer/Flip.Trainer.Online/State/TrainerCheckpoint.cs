namespace Flip.Trainer.Online;

/// <summary>
/// <c>state.json</c> of a resume snapshot: where the worker is. Written last into the snapshot folder. Together with the
/// learner's files (weights, optimizer, id space) and <c>pending.bin</c> it is everything a restart needs.
/// </summary>
public sealed class TrainerCheckpoint
{
    public const int CurrentFormatVersion = 1;

    public int FormatVersion { get; set; } = CurrentFormatVersion;

    /// <summary>Schema (dataset) name and fields: a snapshot of another schema is refused.</summary>
    public string Schema { get; set; } = "";
    public string[] Fields { get; set; } = [];

    /// <summary>Model kind and line name.</summary>
    public string Kind { get; set; } = "";
    public string ModelName { get; set; } = "";

    /// <summary>Windows planned (scored) so far: the index the next planned window gets.</summary>
    public long PlannedWindows { get; set; }

    /// <summary>Windows trained so far: the evaluation log holds exactly windows 0 .. TrainedWindows-1.</summary>
    public long TrainedWindows { get; set; }

    /// <summary>The planner's position (cursor time and the files it has consumed).</summary>
    public WindowCursor Cursor { get; set; } = new();

    /// <summary>Event time of the newest trained event.</summary>
    public DateTime? NewestTrainedEventUtc { get; set; }

    /// <summary>The registry version published together with this snapshot.</summary>
    public string? PublishedVersion { get; set; }

    /// <summary>Ranges of the last trained windows, re-read into the replay buffer on resume.</summary>
    public List<DateTime[]> ReplayRanges { get; set; } = [];

    /// <summary>Periodic pretraining: events trained since the last run, and the newest trained event time at the last run (or at the first window).</summary>
    public long EventsSincePretrain { get; set; }
    public DateTime? LastPretrainUtc { get; set; }

    /// <summary>Ranges of the windows whose events the next pretraining run sees, re-read from the store on resume.</summary>
    public List<DateTime[]> PretrainRanges { get; set; } = [];

    /// <summary>The seed the run started with (shuffles derive from it and the window index, so no RNG state is needed).</summary>
    public int Seed { get; set; }

    public DateTime SavedUtc { get; set; }
}
