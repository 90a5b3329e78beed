using Flip.FeatureStore.Errors;

namespace Flip.Demo;

/// <summary>
/// How <c>flip demo</c> runs the live loop on the embedded defaults. Every property states its default; the defaults
/// finish the whole MovieLens-1M subset in well under 10 minutes on a 2-core machine.
/// </summary>
public sealed class DemoOptions
{
    /// <summary>Folder with MovieLens-1M's <c>ratings.dat</c>, <c>users.dat</c>, <c>movies.dat</c>. Default <c>../shared/datasets/movielens-1m</c> beside the repository.</summary>
    public string DatasetPath { get; set; } = "";

    /// <summary>
    /// Folder of this run: <c>store/</c> (Parquet), <c>registry/</c> (models), <c>demo-chart.png</c>, <c>demo-summary.json</c>.
    /// Default empty = a new <c>flip-demo-&lt;UTC time&gt;</c> folder under the system temp folder.
    /// </summary>
    public string WorkDirectory { get; set; } = "";

    /// <summary>
    /// Share of the events (oldest first) backfilled as fast as the producer goes before the live part. Default 0.9:
    /// the newest 10% is played live.
    /// </summary>
    public double BackfillFraction { get; set; } = 0.9;

    /// <summary>
    /// Event-time seconds played per wall-clock second in the live part; 0 = chosen so that the live part lasts
    /// <see cref="LiveDuration"/>. Default 0.
    /// </summary>
    public double Speedup { get; set; }

    /// <summary>Wall time of the live part when <see cref="Speedup"/> is 0. Default 4 minutes.</summary>
    public TimeSpan LiveDuration { get; set; } = TimeSpan.FromMinutes(4);

    /// <summary>Replay only the oldest this many events (tests, a quick look); 0 = all. Default 0.</summary>
    public long Limit { get; set; }

    /// <summary>
    /// Model the online trainer trains (<c>Trainer:Model</c>): an ID-zoo name (<c>dcnv2</c>, ...) or a FLIP kind
    /// (<c>flip-id</c>, <c>flip</c>, <c>flip-plm</c>). Default <c>flip-id</c>: FLIP's ID side, finetuned continuously,
    /// re-aligned with the PLM by periodic pretraining (<see cref="PretrainEvery"/>) and served on the scorer's fast path.
    /// </summary>
    public string Model { get; set; } = "flip-id";

    /// <summary>
    /// Periodic FLIP pretraining of a FLIP model (<c>Trainer:PretrainEvery</c>): every this many trained events, or an
    /// event-time span. Empty = off; not used for ID-zoo models. Default 100000: three runs during the default backfill.
    /// A run blocks training while it goes (about a minute on 2 cores with the defaults below): the dashboard shows it.
    /// </summary>
    public string PretrainEvery { get; set; } = "100000";

    /// <summary>Most recent trained events one pretraining run sees (<c>Trainer:PretrainWindow</c>). Default 2000.</summary>
    public int PretrainWindow { get; set; } = 2_000;

    /// <summary>
    /// Encoder layers of the pretrained MiniLM kept for a FLIP model (<c>Trainer:PlmLayers</c>): the small PLM that keeps
    /// pretraining within the demo's budget on a CPU. Default 1; 0 = all 6.
    /// </summary>
    public int PlmLayers { get; set; } = 1;

    /// <summary>Trainer window (<c>Trainer:Window</c>): an event count or an event-time span. Default 5000 events.</summary>
    public string TrainerWindow { get; set; } = "5000";

    /// <summary>How often the trainer publishes while it trains (<c>Trainer:PublishInterval</c>). Default 10 seconds.</summary>
    public TimeSpan PublishInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Loopback port of the scorer's HTTP API (and its /metrics); 0 = a free port. Default 0.</summary>
    public int ScorerPort { get; set; }

    /// <summary>Partitions of <c>flip.clicks</c> on the embedded broker. Default 8 (each keeps 5 MiB, so 8 hold the whole backfill).</summary>
    public int Partitions { get; set; } = 8;

    /// <summary>Most live events the front end asks the scorer about in one request (events due at the same time). Default 32.</summary>
    public int MaxEventsPerRequest { get; set; } = 32;

    /// <summary>How long the live part waits for the first served model before it starts without one. Default 3 minutes.</summary>
    public TimeSpan WarmupTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>How long the end (or Ctrl+C) waits for the ingest to store every acknowledged event. Default 2 minutes.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the figures are sampled for the dashboard and the chart. Default 1 second.</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Serve each worker's Prometheus <c>/metrics</c> on a free loopback port (listed in the report), so a local
    /// Prometheus can scrape the demo; the scorer serves its own on its HTTP port either way. Default false.
    /// </summary>
    public bool ServeMetrics { get; set; }

    /// <summary>
    /// Extra configuration keys for every worker (<c>Trainer:Model</c>, <c>Scorer:MaxBatchSize</c>, ...), applied last.
    /// Default empty.
    /// </summary>
    public Dictionary<string, string?> Settings { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The short run of <c>flip demo --quick</c>: the oldest 60,000 events, a 45-second live part, 1,000-event trainer
    /// windows and pretraining every 20,000 events (so a quick run still shows a pretraining run); the rest as default.
    /// </summary>
    public static DemoOptions Quick() => new()
    {
        Limit = 60_000,
        LiveDuration = TimeSpan.FromSeconds(45),
        TrainerWindow = "1000",
        PretrainEvery = "20000",
    };

    /// <summary>Throws <see cref="DemoConfigurationException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        static void Check(bool ok, string message) { if (!ok) throw new DemoConfigurationException(message); }
        Check(BackfillFraction is >= 0 and < 1, "--backfill must be in [0, 1).");
        Check(Speedup >= 0, "--speedup must not be negative.");
        Check(Speedup > 0 || LiveDuration > TimeSpan.Zero, "--live-duration must be positive when --speedup is 0.");
        Check(Limit >= 0, "--limit must not be negative.");
        Check(PretrainWindow >= 1, "--pretrain-window must be at least 1.");
        Check(PlmLayers >= 0, "--plm-layers must not be negative.");
        Check(ScorerPort is >= 0 and <= 65535, "--scorer-port must be 0-65535.");
        Check(Partitions >= 1, "partitions must be at least 1.");
        Check(MaxEventsPerRequest >= 1, "MaxEventsPerRequest must be at least 1.");
        Check(SampleInterval > TimeSpan.Zero, "SampleInterval must be positive.");
    }
}

/// <summary>Bad demo input or environment (missing dataset, port in use): a one-line message, exit code 2.</summary>
public sealed class DemoConfigurationException(string message, Exception? inner = null) : UserInputException(message, inner);
