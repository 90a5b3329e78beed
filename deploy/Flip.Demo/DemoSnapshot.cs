namespace Flip.Demo;

/// <summary>
/// The loop's figures at one moment, as the dashboard shows them and the chart plots them. NaN (or null) = not known
/// yet (no model published, no window trained, ...).
/// </summary>
public sealed record DemoSnapshot
{
    /// <summary>Wall time since the demo started.</summary>
    public TimeSpan Elapsed { get; init; }
    public DemoPhase Phase { get; init; }

    /// <summary>Event time the live replay has reached (the accelerated event clock); null before the live part.</summary>
    public DateTime? EventClock { get; init; }
    /// <summary>Event-time seconds per wall second in the live part.</summary>
    public double Speedup { get; init; }

    /// <summary>Events acknowledged by the broker (backfill + live).</summary>
    public long Produced { get; init; }
    public long TotalEvents { get; init; }
    public double ProducedPerSecond { get; init; }
    /// <summary>Events the ingest stored durably (committed).</summary>
    public long Stored { get; init; }
    public double StoredPerSecond { get; init; }
    public long DeadLettered { get; init; }
    /// <summary>Messages in <c>flip.clicks</c> the ingest has not consumed yet (sum over partitions).</summary>
    public double ConsumerLag { get; init; }

    /// <summary>Windows the trainer trained.</summary>
    public double TrainerWindows { get; init; }
    /// <summary>Store watermark minus the newest trained event time (event-time seconds).</summary>
    public double TrainerDataLagSeconds { get; init; }
    /// <summary>Prequential AUC of the trainer's last window (scored before it was trained on).</summary>
    public double PrequentialAuc { get; init; }
    /// <summary>Periodic FLIP pretraining runs completed (0 for an ID-zoo model or before the first).</summary>
    public double PretrainRuns { get; init; }
    /// <summary>Wall seconds spent in periodic pretraining so far (training waits meanwhile).</summary>
    public double PretrainSeconds { get; init; }
    /// <summary>Newest version the trainer published (0 = none).</summary>
    public long PublishedVersion { get; init; }

    /// <summary>Version the scorer serves (0 = none).</summary>
    public long ServedVersion { get; init; }
    /// <summary>Wall time since the served version was published.</summary>
    public TimeSpan? ModelAge { get; init; }
    /// <summary>Live AUC of the served version's scores joined with their clicks, as the scorer measures it.</summary>
    public double ScorerLiveAuc { get; init; }
    /// <summary>Live AUC of the last 5,000 scores the front end was given, joined with the clicks that followed.</summary>
    public double FrontEndLiveAuc { get; init; }
    /// <summary>99th percentile of the scorer's <c>/v1/score</c> latency over the last sampling interval (seconds).</summary>
    public double ScorerP99Seconds { get; init; }
    /// <summary>Live events scored before their click / played so far.</summary>
    public long LiveScored { get; init; }
    public long LivePlayed { get; init; }

    /// <summary>Freshness of the served version: newest click it was trained on produced -> version published.</summary>
    public TimeSpan? ClickToTrained { get; init; }
    /// <summary>Freshness of the served version: published -> served by the scorer.</summary>
    public TimeSpan? TrainedToServed { get; init; }

    /// <summary>Workers that stopped while the demo ran (a crash is reported, never hidden).</summary>
    public IReadOnlyList<string> Failures { get; init; } = [];
}
