using Prometheus;

namespace Flip.Trainer.Online;

/// <summary>
/// The trainer's Prometheus series (<c>flip_trainer_*</c>), created through the injected <see cref="IMetricFactory"/>;
/// every series, labelled ones included, exists from the start (zero) so dashboards see an idle worker.
/// </summary>
public sealed class TrainerMetrics
{
    public TrainerMetrics(IMetricFactory factory)
    {
        Windows = factory.CreateCounter("flip_trainer_windows_total", "Windows trained (each scored before training: prequential).");
        Samples = factory.CreateCounter("flip_trainer_samples_total", "Events trained on (one count per event, whatever the passes).");
        WindowAuc = factory.CreateGauge("flip_trainer_window_auc", "Prequential AUC of the last trained window (NaN when it held one class).");
        WindowLogloss = factory.CreateGauge("flip_trainer_window_logloss", "Prequential log loss of the last trained window.");
        WindowCalibration = factory.CreateGauge("flip_trainer_window_calibration", "Mean prediction / observed click rate of the last trained window.");
        MixingWeight = factory.CreateGauge("flip_trainer_flip_a", "FLIP's learned mixing weight a (NaN for models without one).");
        TrainSamplesPerSecond = factory.CreateGauge("flip_trainer_train_samples_per_second", "Training throughput on the last window (samples x passes / s).");
        PretrainRuns = factory.CreateCounter("flip_trainer_pretrain_runs_total", "Periodic FLIP pretraining runs completed.");
        PretrainDuration = factory.CreateHistogram("flip_trainer_pretrain_duration_seconds", "Wall time of one periodic pretraining run.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(1, 2, 12) });
        ModelVersion = factory.CreateGauge("flip_trainer_model_version", "Registry version last published by this worker (0 = none yet).");
        var publishes = factory.CreateCounter("flip_trainer_publishes_total", "Publish attempts by outcome.", ["outcome"]);
        Published = publishes.WithLabels("published");
        PublishFailed = publishes.WithLabels("failed");
        DataLag = factory.CreateGauge("flip_trainer_data_lag_seconds", "Store watermark minus the newest trained event time, in event-time seconds.");
        var rows = factory.CreateGauge("flip_trainer_embedding_rows", "Embedding table rows: allocated capacity, rows holding a value, values counted but not admitted.", ["state"]);
        RowsCapacity = rows.WithLabels("capacity");
        RowsAdmitted = rows.WithLabels("admitted");
        RowsPending = rows.WithLabels("pending");
        var late = factory.CreateCounter("flip_trainer_late_events_total", "Events found after their window was trained: trained with the current window, or dropped past the late horizon.", ["outcome"]);
        LateTrained = late.WithLabels("trained");
        LateDropped = late.WithLabels("dropped");
        Quarantined = factory.CreateCounter("flip_trainer_quarantined_files_total", "Unreadable store files moved to the quarantine folder.");
        WindowAuc.Set(double.NaN);
        WindowLogloss.Set(double.NaN);
        WindowCalibration.Set(double.NaN);
        MixingWeight.Set(double.NaN);
    }

    public Counter Windows { get; }
    public Counter Samples { get; }
    public Gauge WindowAuc { get; }
    public Gauge WindowLogloss { get; }
    public Gauge WindowCalibration { get; }
    public Gauge MixingWeight { get; }
    public Gauge TrainSamplesPerSecond { get; }
    public Counter PretrainRuns { get; }
    public Histogram PretrainDuration { get; }
    public Gauge ModelVersion { get; }
    public Counter.Child Published { get; }
    public Counter.Child PublishFailed { get; }
    public Gauge DataLag { get; }
    public Gauge.Child RowsCapacity { get; }
    public Gauge.Child RowsAdmitted { get; }
    public Gauge.Child RowsPending { get; }
    public Counter.Child LateTrained { get; }
    public Counter.Child LateDropped { get; }
    public Counter Quarantined { get; }
}
