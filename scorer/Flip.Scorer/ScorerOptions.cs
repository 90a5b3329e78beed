using Flip.FeatureStore.Errors;

namespace Flip.Scorer;

/// <summary>The scoring service's settings. Bind from configuration section <c>Scorer</c> (docs/scorer.md lists them all).</summary>
public sealed class ScorerOptions
{
    public const string SectionName = "Scorer";

    /// <summary>Root folder of the model registry (holds <c>models/</c>, <c>LATEST</c>, <c>PINNED</c>). Default <c>registry</c> (relative to the working folder).</summary>
    public string Registry { get; set; } = "registry";

    /// <summary>Where Kestrel listens, semicolon-separated URLs. Default <c>http://127.0.0.1:8080</c>; <c>http://0.0.0.0:8080</c> in a container.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:8080";

    /// <summary>
    /// A version to serve instead of the registry's PINNED / LATEST (a rollback by configuration). Default none: serve the
    /// registry's <c>PINNED</c> if present, else <c>LATEST</c>.
    /// </summary>
    public string? PinVersion { get; set; }

    /// <summary>How often the registry is polled for a new serving version (the fallback when no announcement arrives on <c>flip.models</c>). Default 5 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Consume <c>flip.requests</c> / <c>flip.models</c> / <c>flip.clicks</c> (Kafka section for the cluster). Default true; false = HTTP and registry polling only.</summary>
    public bool Kafka { get; set; } = true;

    /// <summary>Consumer group of the Kafka request loop (all scorer replicas share it). Default <c>flip-scorer</c>.</summary>
    public string ConsumerGroup { get; set; } = "flip-scorer";

    /// <summary>Librdkafka session timeout of the consumers in ms. Default 10,000.</summary>
    public int SessionTimeoutMs { get; set; } = 10_000;

    /// <summary>Longest a PLM-kind request waits for others to share its forward pass. Default 5 ms (ID kinds never wait).</summary>
    public TimeSpan MaxBatchDelay { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Most events in one forward pass (larger requests are split). Default 64.</summary>
    public int MaxBatchSize { get; set; } = 64;

    /// <summary>Largest accepted HTTP body / Kafka request in bytes (413 / dead letter beyond). Default 1,048,576.</summary>
    public int MaxBodyBytes { get; set; } = 1 << 20;

    /// <summary>Most events in one request. Default 1,000.</summary>
    public int MaxEventsPerRequest { get; set; } = 1_000;

    /// <summary>Longest accepted field value in characters. Default 512 (the ingest's limit).</summary>
    public int MaxFieldLength { get; set; } = 512;

    /// <summary>Longest accepted event or request id in characters. Default 128 (the ingest's limit).</summary>
    public int MaxIdLength { get; set; } = 128;

    /// <summary>API keys accepted in header <c>X-Api-Key</c> on <c>/v1/*</c>; empty = no authentication. Default empty. Keys are never logged.</summary>
    public List<string> ApiKeys { get; set; } = [];

    /// <summary>Served scores remembered by event id for joining with later clicks (oldest evicted and counted). Default 100,000.</summary>
    public int LabelWindow { get; set; } = 100_000;

    /// <summary>Joined labels per version kept for its live AUC / logloss / calibration (a sliding window). Default 20,000.</summary>
    public int QualityWindow { get; set; } = 20_000;

    /// <summary>Read <c>flip.clicks</c> from the earliest offset (true) or only clicks arriving after start (false). Default false.</summary>
    public bool ClicksFromStart { get; set; }

    /// <summary>
    /// Joined labels after which a new version's live AUC is compared with its predecessor's on the same events (both score
    /// them, only the new one answers); 0 turns automatic rollback off. Default 2,000.
    /// </summary>
    public int RollbackAfter { get; set; } = 2_000;

    /// <summary>Roll back when the new version's AUC is below its predecessor's by more than this. Default 0.01.</summary>
    public double RollbackAucDrop { get; set; } = 0.01;

    /// <summary>Intra-op threads of libtorch for scoring (one keeps latency steady next to Kestrel on few cores). Default 1.</summary>
    public int TorchThreads { get; set; } = 1;

    /// <summary>
    /// Score DCNv2 and FLIP_ID-on-DCNv2 versions with the managed forward (weights copied out of the checkpoint at load,
    /// scored on the request's own thread; <see cref="Models.DcnV2Forward"/>) instead of TorchSharp through the batcher.
    /// Other ID-zoo kinds always use TorchSharp. Default true.
    /// </summary>
    public bool ManagedIdForward { get; set; } = true;

    /// <summary>Tokens per text for PLM kinds ([CLS] and [SEP] included); must be what the model was trained with. Default 100 (TextPairs:MaxLength's default).</summary>
    public int PlmMaxLength { get; set; } = 100;

    /// <summary>Nice value (Linux) of the thread that loads, verifies and warms a new version, so a swap does not steal the request path's CPU. Default 10.</summary>
    public int LoaderNice { get; set; } = 10;

    /// <summary>Serve <c>POST /bench/constant</c> (reads the body, answers a constant): the HTTP floor for benchmarks. Default false.</summary>
    public bool ConstantEndpoint { get; set; }

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Registry)) throw new UserInputException("Scorer:Registry must name the model registry folder.");
        if (MaxBatchSize < 1) throw new UserInputException($"Scorer:MaxBatchSize must be at least 1 (got {MaxBatchSize}).");
        if (MaxBatchDelay < TimeSpan.Zero) throw new UserInputException("Scorer:MaxBatchDelay must not be negative.");
        if (MaxBodyBytes < 64) throw new UserInputException($"Scorer:MaxBodyBytes must be at least 64 (got {MaxBodyBytes}).");
        if (MaxEventsPerRequest < 1) throw new UserInputException($"Scorer:MaxEventsPerRequest must be at least 1 (got {MaxEventsPerRequest}).");
        if (MaxFieldLength < 1 || MaxIdLength < 1) throw new UserInputException("Scorer:MaxFieldLength and Scorer:MaxIdLength must be at least 1.");
        if (LabelWindow < 1 || QualityWindow < 1) throw new UserInputException("Scorer:LabelWindow and Scorer:QualityWindow must be at least 1.");
        if (RollbackAfter < 0) throw new UserInputException("Scorer:RollbackAfter must not be negative (0 = off).");
        if (TorchThreads < 1) throw new UserInputException("Scorer:TorchThreads must be at least 1.");
        if (PollInterval <= TimeSpan.Zero) throw new UserInputException("Scorer:PollInterval must be positive.");
        if (PinVersion is { Length: > 0 } pin && !Flip.Registry.ModelRegistry.IsVersion(pin))
            throw new UserInputException($"Scorer:PinVersion '{pin}' is not a version (digits, e.g. 000042).");
    }
}
