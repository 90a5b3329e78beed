using Prometheus;

namespace Flip.Scorer;

/// <summary>
/// The scorer's Prometheus series (<c>flip_scorer_*</c>) on the injected registry. Every unlabelled series and the
/// label combinations known up front are created at start, so dashboards see an idle scorer as zeros.
/// </summary>
public sealed class ScorerMetrics
{
    /// <summary>Endpoint labels of <see cref="Requests"/> (anything else is counted as <c>other</c>).</summary>
    public static readonly string[] Endpoints = ["/v1/score", "/v1/model", "/healthz", "/readyz", "/metrics", "/bench/constant", "kafka"];

    public ScorerMetrics(IMetricFactory factory)
    {
        Requests = factory.CreateCounter("flip_scorer_requests_total", "Scoring service requests by endpoint and status code (kafka: 200 scored, 400 dead-lettered).",
            new CounterConfiguration { LabelNames = ["endpoint", "code"] });
        Duration = factory.CreateHistogram("flip_scorer_request_duration_seconds", "Time from receiving a request to its answer, by endpoint.",
            new HistogramConfiguration { LabelNames = ["endpoint"], Buckets = Histogram.ExponentialBuckets(0.0001, 2, 16) });
        Events = factory.CreateCounter("flip_scorer_events_scored_total", "Events scored (all endpoints).");
        BatchSize = factory.CreateHistogram("flip_scorer_batch_size", "Events per forward pass (micro-batches).",
            new HistogramConfiguration { Buckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512] });
        ForwardSeconds = factory.CreateHistogram("flip_scorer_forward_seconds", "Time of one forward pass (encoding included), on the batcher thread (or the request's own for the managed ID forward).",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.00005, 2, 16) });
        QueueSeconds = factory.CreateHistogram("flip_scorer_queue_seconds", "Time a request waited in the batcher's queue before its forward pass started (0 for the managed ID forward, which has no queue).",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.00005, 2, 16) });
        ModelVersion = factory.CreateGauge("flip_scorer_model_version", "Version number of the model being served (0 = none yet).");
        ModelInfo = factory.CreateGauge("flip_scorer_model_info", "1 for the served version and kind.", new GaugeConfiguration { LabelNames = ["version", "kind"] });
        Swaps = factory.CreateCounter("flip_scorer_model_swaps_total", "Model versions swapped in (the first load included).");
        LoadFailures = factory.CreateCounter("flip_scorer_model_load_failures_total", "Versions refused by reason (corrupt, incompatible).",
            new CounterConfiguration { LabelNames = ["reason"] });
        LoadSeconds = factory.CreateHistogram("flip_scorer_model_load_seconds", "Time to verify, load and warm up a version off the request path.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.01, 2, 14) });
        Rollbacks = factory.CreateCounter("flip_scorer_rollbacks_total", "Automatic rollbacks to the predecessor after a live AUC drop.");
        LiveAuc = factory.CreateGauge("flip_scorer_live_auc", "AUC of served scores joined with their clicks, per version (sliding window).", new GaugeConfiguration { LabelNames = ["version"] });
        LiveLogLoss = factory.CreateGauge("flip_scorer_live_logloss", "Log loss of served scores joined with their clicks, per version.", new GaugeConfiguration { LabelNames = ["version"] });
        LiveCalibration = factory.CreateGauge("flip_scorer_live_calibration", "Mean served CTR / observed click rate, per version (1 = calibrated).", new GaugeConfiguration { LabelNames = ["version"] });
        JoinedLabels = factory.CreateCounter("flip_scorer_joined_labels_total", "Clicks joined with a served score.");
        UnmatchedClicks = factory.CreateCounter("flip_scorer_unmatched_clicks_total", "Clicks with no remembered score (never scored here, or evicted).");
        EvictedScores = factory.CreateCounter("flip_scorer_evicted_scores_total", "Served scores evicted from the label window before their click arrived.");
        DeadLetters = factory.CreateCounter("flip_scorer_dead_letters_total", "Kafka requests sent to the dead-letter topic, by reason.", new CounterConfiguration { LabelNames = ["reason"] });
        ShadowDropped = factory.CreateCounter("flip_scorer_shadow_dropped_total", "Predecessor (shadow) scorings skipped because the shadow queue was full.");

        foreach (var endpoint in Endpoints) Duration.WithLabels(endpoint);
        Requests.WithLabels("/v1/score", "200");
        Requests.WithLabels("kafka", "200");
        Requests.WithLabels("kafka", "400");
        foreach (var reason in new[] { "corrupt", "incompatible" }) LoadFailures.WithLabels(reason);
    }

    public Counter Requests { get; }
    public Histogram Duration { get; }
    public Counter Events { get; }
    public Histogram BatchSize { get; }
    public Histogram ForwardSeconds { get; }
    public Histogram QueueSeconds { get; }
    public Gauge ModelVersion { get; }
    public Gauge ModelInfo { get; }
    public Counter Swaps { get; }
    public Counter LoadFailures { get; }
    public Histogram LoadSeconds { get; }
    public Counter Rollbacks { get; }
    public Gauge LiveAuc { get; }
    public Gauge LiveLogLoss { get; }
    public Gauge LiveCalibration { get; }
    public Counter JoinedLabels { get; }
    public Counter UnmatchedClicks { get; }
    public Counter EvictedScores { get; }
    public Counter DeadLetters { get; }
    public Counter ShadowDropped { get; }
}
