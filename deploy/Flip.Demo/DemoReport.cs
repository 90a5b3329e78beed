namespace Flip.Demo;

/// <summary>A version the scorer served during the run, with the freshness chain of its newest click.</summary>
/// <param name="Version">Registry version.</param>
/// <param name="DataWatermarkUtc">Newest event time the version was trained on (manifest).</param>
/// <param name="ClickProducedUtc">Wall time that event was acknowledged by the broker (null when not produced by this run).</param>
/// <param name="PublishedUtc">Wall time the trainer published the version (manifest <c>createdUtc</c>).</param>
/// <param name="ServedUtc">Wall time the demo first saw the scorer serve it (to the sampling interval).</param>
public sealed record ServedVersion(string Version, string Kind, DateTime? DataWatermarkUtc, DateTime? ClickProducedUtc, DateTime PublishedUtc, DateTime ServedUtc)
{
    public TimeSpan? ClickToTrained => ClickProducedUtc is { } p ? Max0(PublishedUtc - p) : null;
    public TimeSpan TrainedToServed => Max0(ServedUtc - PublishedUtc);
    public TimeSpan? ClickToServed => ClickProducedUtc is { } p ? Max0(ServedUtc - p) : null;
    static TimeSpan Max0(TimeSpan t) => t < TimeSpan.Zero ? TimeSpan.Zero : t;
}

/// <summary>What a demo run did: the summary table's figures, the time series, and where its files are.</summary>
public sealed record DemoReport
{
    public required string WorkDirectory { get; init; }
    public required string StoreRoot { get; init; }
    public required string RegistryRoot { get; init; }
    /// <summary>PNG of AUC and freshness over time (next to the store); null when it could not be written.</summary>
    public string? ChartPath { get; init; }
    public string? SummaryPath { get; init; }

    public TimeSpan WallTime { get; init; }
    /// <summary>Ctrl+C stopped the run before the replay ended.</summary>
    public bool Interrupted { get; init; }
    /// <summary>Workers that crashed (the run stopped early because of them).</summary>
    public IReadOnlyList<string> Failures { get; init; } = [];

    public long DatasetEvents { get; init; }
    public long BackfillEvents { get; init; }
    public long LiveEvents { get; init; }
    public double Speedup { get; init; }
    public long Produced { get; init; }
    public long Stored { get; init; }
    public long DeadLettered { get; init; }
    /// <summary>Acknowledged events neither stored nor dead-lettered when the run ended (must be 0).</summary>
    public long Unaccounted => Produced - Stored - DeadLettered;
    public TimeSpan BackfillWallTime { get; init; }

    public double TrainerWindows { get; init; }
    /// <summary>Periodic FLIP pretraining runs completed and their total wall seconds.</summary>
    public double PretrainRuns { get; init; }
    public double PretrainSeconds { get; init; }
    public double TrainerSamples { get; init; }
    /// <summary>Mean prequential AUC over the trained windows (registry evaluation log); NaN when none.</summary>
    public double PrequentialAucMean { get; init; }
    public double PrequentialAucLast { get; init; }
    public long PublishedVersions { get; init; }

    public long LivePlayed { get; init; }
    public long LiveScored { get; init; }
    /// <summary>AUC of every score the front end was given, against the clicks that followed.</summary>
    public double LiveAucOverall { get; init; }
    public double ScorerLiveAucLast { get; init; }
    /// <summary>Front end's round-trip p50 / p99 of <c>/v1/score</c> (seconds).</summary>
    public double ScoreP50Seconds { get; init; }
    public double ScoreP99Seconds { get; init; }

    public IReadOnlyList<ServedVersion> ServedVersions { get; init; } = [];
    /// <summary>Each worker's <c>/metrics</c> URL (the scorer's always; ingest and trainer with <see cref="DemoOptions.ServeMetrics"/>).</summary>
    public IReadOnlyDictionary<string, string> MetricsUrls { get; init; } = new Dictionary<string, string>();
    /// <summary>What each of those endpoints served just before the workers stopped (Prometheus text format).</summary>
    public IReadOnlyDictionary<string, string> FinalMetrics { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<DemoSnapshot> Snapshots { get; init; } = [];
}
