using Flip.FeatureStore.Text;

namespace Flip.Trainer.Plm;

/// <summary>A WordPiece vocab.txt (one token a line, id = line number) and the special ids FLIP needs.</summary>
public sealed class BertVocabulary
{
    readonly Dictionary<string, int> _ids;

    public BertVocabulary(IReadOnlyList<string> tokens, string source = "vocab")
    {
        Tokens = tokens;
        _ids = new Dictionary<string, int>(tokens.Count, StringComparer.Ordinal);
        for (var i = 0; i < tokens.Count; i++) _ids.TryAdd(tokens[i], i);
        Source = source;
        PadId = Require("[PAD]");
        UnknownId = Require("[UNK]");
        ClsId = Require("[CLS]");
        SepId = Require("[SEP]");
        MaskId = Require("[MASK]");
    }

    public IReadOnlyList<string> Tokens { get; }
    public string Source { get; }
    public int Count => Tokens.Count;
    public int PadId { get; }
    public int UnknownId { get; }
    public int ClsId { get; }
    public int SepId { get; }
    /// <summary>The [MASK] token used by field-level text masking (103 in bert-base-uncased).</summary>
    public int MaskId { get; }

    public int? IdOf(string token) => _ids.TryGetValue(token, out var id) ? id : null;

    public static BertVocabulary Load(string path) => new(WordPieceVocabFile.ReadTokens(path), path);

    public void Save(string path) => File.WriteAllLines(path, Tokens);

    int Require(string token) =>
        _ids.TryGetValue(token, out var id) ? id : throw new InvalidDataException($"{Source}: special token {token} is missing from the vocabulary");
}
