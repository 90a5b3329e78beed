namespace Flip.Ingest.Dev.Replay;

/// <summary>What a replay produced.</summary>
/// <param name="Produced">Events acknowledged by the brokers.</param>
/// <param name="Failed">Events whose delivery failed (each also reported as an error).</param>
/// <param name="Elapsed">Wall time from first produce to last acknowledgement.</param>
/// <param name="Bytes">Serialized payload bytes acknowledged.</param>
public sealed record ReplayResult(long Produced, long Failed, TimeSpan Elapsed, long Bytes)
{
    public double EventsPerSecond => Elapsed.TotalSeconds > 0 ? Produced / Elapsed.TotalSeconds : 0;
}
