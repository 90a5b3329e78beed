namespace Flip.Ingest.Kafka;

/// <summary>Default topic names of the pipeline.</summary>
public static class TopicNames
{
    /// <summary>Click events as JSON <see cref="Flip.FeatureStore.Events.ClickEvent"/>s, keyed by user id.</summary>
    public const string Clicks = "flip.clicks";

    /// <summary>Messages the ingest refused, with the reason in headers (see <see cref="DeadLetterHeaders"/>).</summary>
    public const string DeadLetter = "flip.clicks.dlq";
}

/// <summary>Header names on dead-lettered messages.</summary>
public static class DeadLetterHeaders
{
    /// <summary>snake_case reason code, e.g. <c>missing_field</c>.</summary>
    public const string Reason = "flip.dlq.reason";
    /// <summary>Human-readable description of the exact problem.</summary>
    public const string Message = "flip.dlq.message";
    public const string SourceTopic = "flip.dlq.source.topic";
    public const string SourcePartition = "flip.dlq.source.partition";
    public const string SourceOffset = "flip.dlq.source.offset";
}
