using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;

namespace Flip.FeatureStore.Vocabulary;

/// <summary>Growth rules of a <see cref="FeatureVocabulary"/>. Section <c>Vocabulary</c>.</summary>
public sealed class VocabularyOptions
{
    /// <summary>Most ids the vocabulary may hold, reserved ids included. Default 10,000,000.</summary>
    public int Capacity { get; set; } = 10_000_000;
    /// <summary>Times a value must be seen before it gets its own id during online growth. Default 1 (admit at first sight).</summary>
    public int MinCount { get; set; } = 1;
}

/// <summary>
/// One global id space over all fields (the paper's code uses one shared embedding table):
/// id 0 = padding, id 1 = the shared &lt;MASK&gt;, ids 2..2+F-1 = per-field unknown, then features.
/// Keeps a frequency count per id (NCE noise sampling needs it). Can grow online; saved and loaded with a version.
/// </summary>
public sealed partial class FeatureVocabulary
{
    public const int PaddingId = 0;
    public const int MaskId = 1;
    public const int FirstFieldUnknownId = 2;
}
