namespace Flip.FeatureStore.Text;

/// <summary>How click rows become text-tabular pairs. Bind from section <c>TextPairs</c>.</summary>
public sealed class TextPairOptions
{
    public const string SectionName = "TextPairs";

    /// <summary>The uncased BERT WordPiece vocabulary shipped beside the repo, relative to the repo root.</summary>
    public const string DefaultVocabPath = "../shared/plm/bert-base-uncased-vocab.txt";

    /// <summary>
    /// Tokens per text, [CLS] and [SEP] included; shorter texts are padded with [PAD], longer ones lose whole
    /// trailing fields (counted in <see cref="TextTabularPair.TruncatedFields"/>). Default 100: the longest
    /// MovieLens-1M text is 77 tokens (mean 53.8), so nothing is cut there (see docs/benchmarks.md, "Text-tabular pairs").
    /// </summary>
    public int MaxLength { get; set; } = 100;

    /// <summary>WordPiece vocabulary file (one token per line, line number = id). Relative paths resolve against the current directory. Default <see cref="DefaultVocabPath"/>.</summary>
    public string VocabPath { get; set; } = DefaultVocabPath;

    /// <summary>Most distinct values whose tokens are cached per field; values beyond it are tokenized every time, so an unbounded stream cannot grow memory without limit. Default 1,000,000.</summary>
    public int CacheCapacityPerField { get; set; } = 1_000_000;

    /// <summary>Rows per parallel work item in <see cref="TextTabularPairBuilder.BuildBatch"/>; batches of fewer than two chunks are built on the calling thread. Default 2,048.</summary>
    public int ParallelChunkRows { get; set; } = 2048;

    /// <summary>Most threads <see cref="TextTabularPairBuilder.BuildBatch"/> uses; 0 means one per core. Default 0.</summary>
    public int MaxDegreeOfParallelism { get; set; }

    internal void Validate()
    {
        if (MaxLength < 3) throw new ArgumentOutOfRangeException(nameof(MaxLength), MaxLength, "MaxLength must leave room for [CLS], one token and [SEP] (at least 3).");
        if (CacheCapacityPerField < 0) throw new ArgumentOutOfRangeException(nameof(CacheCapacityPerField), CacheCapacityPerField, "CacheCapacityPerField cannot be negative.");
        if (ParallelChunkRows < 1) throw new ArgumentOutOfRangeException(nameof(ParallelChunkRows), ParallelChunkRows, "ParallelChunkRows must be at least 1.");
        if (MaxDegreeOfParallelism < 0) throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), MaxDegreeOfParallelism, "MaxDegreeOfParallelism cannot be negative (0 = one per core).");
    }
}
