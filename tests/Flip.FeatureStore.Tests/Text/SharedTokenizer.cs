using Flip.FeatureStore.Tests.Readers;
using Flip.FeatureStore.Text;

namespace Flip.FeatureStore.Tests.Text;

/// <summary>The real bert-base-uncased vocabulary from ../shared/plm, loaded once for all text tests.</summary>
internal static class SharedTokenizer
{
    private static readonly Lazy<BertWordPieceTokenizer> Loaded = new(() => BertWordPieceTokenizer.Load(VocabPath));

    public static string VocabPath => RepoPaths.BertVocab;

    public static BertWordPieceTokenizer Instance => Loaded.Value;

    /// <summary>Token strings of ids, e.g. ["movie", "title", "is"].</summary>
    public static string[] Strings(IEnumerable<int> ids) => ids.Select(Instance.TokenOf).ToArray();
}
