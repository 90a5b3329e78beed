using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Flip.FeatureStore.Text;

/// <summary>
/// Uncased BERT WordPiece tokenization that matches Hugging Face's <c>BertTokenizer</c> (bert-base-uncased):
/// drops control and format characters, lower-cases, strips accents (NFD minus marks, also under InvariantGlobalization), splits on whitespace and punctuation, never treats text as special tokens.
/// Wraps Microsoft.ML.Tokenizers' <see cref="BertTokenizer"/> and keeps the id -> token table for display. Thread-safe.
/// </summary>
public sealed partial class BertWordPieceTokenizer
{
    private readonly string[] _tokens;

    private BertWordPieceTokenizer(BertTokenizer inner, string[] tokens)
    {
        Inner = inner;
        _tokens = tokens;
    }

    /// <summary>Loads a vocabulary file (one token per line, line number = id).</summary>
    public static BertWordPieceTokenizer Load(string vocabPath)
    {
        var full = Path.GetFullPath(vocabPath);
        var tokens = WordPieceVocabFile.ReadTokens(full);
        var options = new BertOptions
        {
            LowerCaseBeforeTokenization = true,
            // Hugging Face strips accents whenever it lower-cases. ML.Tokenizers does it only when asked and only with ICU,
            // which InvariantGlobalization turns off, so Encode runs BertPreNormalizer first; this covers hosts with ICU.
            RemoveNonSpacingMarks = true,
            // Field values are user data: "[SEP]" inside a title must stay text, not become a separator.
            SplitOnSpecialTokens = false,
            // ML.Tokenizers' default pre-tokenizer drops ASCII symbols such as | $ + < = > ^ ` ~, which BERT keeps as tokens.
            PreTokenizer = new RegexPreTokenizer(BertBasicSplit(), null),
        };
        var inner = BertTokenizer.Create(full, options);
        return new BertWordPieceTokenizer(inner, tokens);
    }

    /// <summary>The underlying Microsoft.ML.Tokenizers tokenizer.</summary>
    public BertTokenizer Inner { get; }

    public int ClassificationTokenId => Inner.ClassificationTokenId;
    public int SeparatorTokenId => Inner.SeparatorTokenId;
    public int PaddingTokenId => Inner.PaddingTokenId;
    public int MaskingTokenId => Inner.MaskingTokenId;

    /// <summary>Number of tokens in the vocabulary (the PLM's embedding table size).</summary>
    public int VocabularySize => _tokens.Length;

    /// <summary>Token ids of a text, without [CLS]/[SEP].</summary>
    public int[] Encode(string text) => [.. Inner.EncodeToIds(BertPreNormalizer.Normalize(text), addSpecialTokens: false)];

    /// <summary>Token ids of a text with [CLS] first and [SEP] last, no truncation or padding.</summary>
    public int[] EncodeWithSpecialTokens(string text) => [.. Inner.EncodeToIds(BertPreNormalizer.Normalize(text), addSpecialTokens: true)];

    /// <summary>The vocabulary entry of an id, e.g. "##ing" or "[PAD]".</summary>
    public string TokenOf(int id) => (uint)id < (uint)_tokens.Length
        ? _tokens[id]
        : throw new ArgumentOutOfRangeException(nameof(id), id, $"Token id outside the vocabulary of {_tokens.Length}.");

    /// <summary>
    /// BERT's basic split after normalization: every punctuation character alone (BERT counts all non-alphanumeric
    /// printable ASCII as punctuation, plus Unicode P*), and runs of anything else that is not whitespace.
    /// </summary>
    [GeneratedRegex(@"[!-/:-@\[-`{-~\p{P}]|[^\s!-/:-@\[-`{-~\p{P}]+", RegexOptions.CultureInvariant)]
    private static partial Regex BertBasicSplit();
}
