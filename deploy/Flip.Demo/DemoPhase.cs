namespace Flip.Demo;

/// <summary>Where the demo is.</summary>
public enum DemoPhase
{
    /// <summary>Reading the dataset, starting the broker and the workers.</summary>
    Starting,
    /// <summary>Producing the older part of the history as fast as possible.</summary>
    Backfill,
    /// <summary>Backfill produced; waiting for the first model to be served.</summary>
    Warmup,
    /// <summary>Playing the newest part at live pace: score, then click.</summary>
    Live,
    /// <summary>Every event produced (or Ctrl+C): waiting until the ingest stored every acknowledged event, stopping workers.</summary>
    Draining,
    Done,
}
