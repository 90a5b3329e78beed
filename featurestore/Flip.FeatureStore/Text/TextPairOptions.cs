using Flip.FeatureStore.Errors;

namespace Flip.FeatureStore.Text;

/// <summary>How click rows become text-tabular pairs. Bind from section <c>TextPairs</c>.</summary>
public sealed class TextPairOptions
{
    public const string SectionName = "TextPairs";

    /// <summary>
    /// Tokens per text, [CLS] and [SEP] included; shorter texts are padded with [PAD], longer ones lose whole
    /// trailing fields (counted in <see cref="TextTabularPair.TruncatedFields"/>). Default 100: the longest
    /// MovieLens-1M text is 77 tokens (mean 53.8), so nothing is cut there (see docs/benchmarks.md, "Text-tabular pairs").
    /// </summary>
    public int MaxLength { get; set; } = 100;

    /// <summary>
    /// WordPiece vocabulary file (one token per line, line number = id), needed when the builder loads its own tokenizer.
    /// Relative paths resolve against the current directory. No default: the data lives outside the repository, so the
    /// caller passes it (the CLI resolves <c>--vocab</c>, see <see cref="RepositoryRoot"/>).
    /// </summary>
    public string? VocabPath { get; set; }

    /// <summary>Most distinct values whose tokens are cached per field; values beyond it are tokenized every time, so an unbounded stream cannot grow memory without limit. Default 1,000,000.</summary>
    public int CacheCapacityPerField { get; set; } = 1_000_000;

    /// <summary>Rows per parallel work item in <see cref="TextTabularPairBuilder.BuildBatch"/>; batches of fewer than two chunks are built on the calling thread. Default 2,048.</summary>
    public int ParallelChunkRows { get; set; } = 2048;

    /// <summary>Most threads <see cref="TextTabularPairBuilder.BuildBatch"/> uses; 0 means one per core. Default 0.</summary>
    public int MaxDegreeOfParallelism { get; set; }

    internal void Validate()
    {
        if (MaxLength < 3) throw new UserInputException("MaxLength must leave room for [CLS], one token and [SEP] (at least 3).");
        if (CacheCapacityPerField < 0) throw new UserInputException("CacheCapacityPerField cannot be negative.");
        if (ParallelChunkRows < 1) throw new UserInputException("ParallelChunkRows must be at least 1.");
        if (MaxDegreeOfParallelism < 0) throw new UserInputException("MaxDegreeOfParallelism cannot be negative (0 = one per core).");
    }
}
