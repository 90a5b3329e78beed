using Flip.FeatureStore.Errors;
using Flip.FeatureStore.Store;

namespace Flip.Trainer.Training;

/// <summary>How an ID model is trained offline (section <c>IdTraining</c>).</summary>
public sealed class IdTrainingOptions
{
    /// <summary>Adam learning rate. Default 1e-3.</summary>
    public double LearningRate { get; set; } = 1e-3;

    /// <summary>Samples per training step. Default 1024.</summary>
    public int BatchSize { get; set; } = 1024;

    /// <summary>Samples per inference step during evaluation. Default 8192.</summary>
    public int EvaluationBatchSize { get; set; } = 8192;

    /// <summary>Most passes over the training data. Default 5 (early stopping usually ends sooner).</summary>
    public int MaxEpochs { get; set; } = 5;

    /// <summary>Epochs without a better validation AUC before training stops; the best epoch's weights are kept. Default 1.</summary>
    public int Patience { get; set; } = 1;

    /// <summary>L2 penalty on the embeddings looked up in each batch (added to the loss, summed over the batch's rows). Default 0.</summary>
    public double EmbeddingL2 { get; set; }

    /// <summary>Seed of weight initialisation, shuffling and dropout. Default 2024.</summary>
    public int Seed { get; set; } = 2024;

    /// <summary>Shuffle training samples every epoch. Default true.</summary>
    public bool Shuffle { get; set; } = true;

    /// <summary>Share of all samples (the latest ones) held out as test. Default 0.1 (the paper's 90/10 split).</summary>
    public double TestFraction { get; set; } = ChronologicalSplit.PaperTestFraction;

    /// <summary>Share of the train part (its latest samples) used for validation. Default 0.1.</summary>
    public double ValidationFraction { get; set; } = ChronologicalSplit.DefaultValidationFraction;

    /// <summary>Torch intra-op threads. Default 2 (the build machine's cores).</summary>
    public int Threads { get; set; } = 2;

    /// <summary>Batches prepared ahead by the producer thread. Default 4.</summary>
    public int PrefetchBatches { get; set; } = 4;

    /// <summary>Throws <see cref="UserInputException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (LearningRate <= 0) throw new UserInputException($"LearningRate must be positive (got {LearningRate}).");
        if (BatchSize < 1) throw new UserInputException($"BatchSize must be at least 1 (got {BatchSize}).");
        if (EvaluationBatchSize < 1) throw new UserInputException($"EvaluationBatchSize must be at least 1 (got {EvaluationBatchSize}).");
        if (MaxEpochs < 1) throw new UserInputException($"MaxEpochs must be at least 1 (got {MaxEpochs}).");
        if (Patience < 1) throw new UserInputException($"Patience must be at least 1 (got {Patience}).");
        if (EmbeddingL2 < 0) throw new UserInputException($"EmbeddingL2 must not be negative (got {EmbeddingL2}).");
        if (Threads < 1) throw new UserInputException($"Threads must be at least 1 (got {Threads}).");
        if (PrefetchBatches < 1) throw new UserInputException($"PrefetchBatches must be at least 1 (got {PrefetchBatches}).");
    }
}
