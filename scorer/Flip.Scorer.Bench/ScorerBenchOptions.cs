namespace Flip.Scorer.Bench;

/// <summary>What `flip bench scorer` runs. Defaults are the documented benchmark (docs/benchmarks.md).</summary>
public sealed class ScorerBenchOptions
{
    /// <summary>Model kind: dcnv2 (the ID fast path, also what flip-id serves), flip-id, or flip (with the PLM, micro-batched). Default dcnv2.</summary>
    public string Kind { get; set; } = "dcnv2";

    /// <summary>MovieLens-1M folder: the request bodies are its events, the ID model is trained on a slice of them.</summary>
    public string DataPath { get; set; } = "../shared/datasets/movielens-1m";

    /// <summary>Open-loop rates in requests/s, one step each. Default 500, 1,000, 2,000, 4,000.</summary>
    public double[] Rates { get; set; } = [500, 1000, 2000, 4000];

    /// <summary>Length of each step. Default 20 s.</summary>
    public TimeSpan StepDuration { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Rate of the extra step that publishes a new version every <see cref="SwapEvery"/>. Default 2,000 requests/s.</summary>
    public double SwapRate { get; set; } = 2000;

    /// <summary>Publish interval during the swap step. Default 5 s.</summary>
    public TimeSpan SwapEvery { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Also measure the constant endpoint (the HTTP floor) at every rate. Default true.</summary>
    public bool ConstantFloor { get; set; } = true;

    /// <summary>Events used to train the ID model (one epoch) before the run. Default 50,000.</summary>
    public int TrainEvents { get; set; } = 50_000;

    /// <summary>PLM shape for kind flip: tinybert (4 layers, 312 hidden; the project's default PLM shape) or bert-tiny. Default tinybert.</summary>
    public string PlmShape { get; set; } = "tinybert";

    /// <summary>BERT WordPiece vocabulary for kind flip; no default (the data lives outside the repository: the CLI passes --vocab).</summary>
    public string? VocabPath { get; set; }

    /// <summary>Scorer micro-batching for PLM kinds. Defaults: the service's (5 ms, 64).</summary>
    public TimeSpan MaxBatchDelay { get; set; } = TimeSpan.FromMilliseconds(5);
    public int MaxBatchSize { get; set; } = 64;

    /// <summary>Warm-up at the first rate before measuring (connections, JIT). Default 3 s.</summary>
    public TimeSpan Warmup { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How to start a scorer process: the executable and the arguments before the scorer's own (e.g. <c>dotnet flip.dll serve</c>).</summary>
    public required string ServerFileName { get; set; }
    public required IReadOnlyList<string> ServerArguments { get; set; }
}
