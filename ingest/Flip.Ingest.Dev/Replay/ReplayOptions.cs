namespace Flip.Ingest.Dev.Replay;

/// <summary>How a dataset is replayed onto Kafka.</summary>
public sealed class ReplayOptions
{
    /// <summary>Target events per second; 0 (default) = as fast as the producer goes.</summary>
    public double EventsPerSecond { get; set; }

    /// <summary>Most events per pass; 0 (default) = the whole dataset.</summary>
    public long Limit { get; set; }

    /// <summary>
    /// Passes over the dataset. Default 1. Pass n &gt; 1 gives every event the id suffix <c>~r{n}</c> so the
    /// copies are distinct events (used to make a 1M-event stream out of a smaller dataset).
    /// </summary>
    public int Repeat { get; set; } = 1;

    /// <summary>
    /// How long to wait for the cluster to answer before producing anything; an unreachable cluster then fails with
    /// <c>KafkaUnavailableException</c> after this long instead of after librdkafka's 300 s message timeout. Default 30 seconds.
    /// </summary>
    public TimeSpan ClusterWaitTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
