namespace Flip.Hosting;

/// <summary>Default topic names of the live loop (DESIGN.md / docs/architecture.md). Each is overridable in its worker's options.</summary>
public static class TopicNames
{
    /// <summary>Click events as JSON <c>ClickEvent</c>s, keyed by user id.</summary>
    public const string Clicks = "flip.clicks";

    /// <summary>Messages the ingest refused, with the reason in headers (see <see cref="DeadLetterHeaders"/>).</summary>
    public const string DeadLetter = "flip.clicks.dlq";

    /// <summary>Announcements of published models (key = model name, JSON <c>ModelAnnouncement</c>).</summary>
    public const string Models = "flip.models";

    /// <summary>Scoring requests (key = request id, JSON <c>{ requestId, events: [...] }</c>).</summary>
    public const string Requests = "flip.requests";

    /// <summary>Scores answering <see cref="Requests"/> (same key).</summary>
    public const string Scores = "flip.scores";

    /// <summary>Scoring requests the scorer refused, with the reason in headers.</summary>
    public const string RequestsDeadLetter = "flip.requests.dlq";
}

/// <summary>Header names on dead-lettered messages (ingest and scorer use the same ones).</summary>
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
