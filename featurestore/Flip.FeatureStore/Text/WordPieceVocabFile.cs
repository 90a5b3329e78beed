namespace Flip.FeatureStore.Text;

/// <summary>
/// The one reader of a WordPiece vocab.txt (one token a line, id = line number), shared by the tokenizer of the text
/// pairs (<see cref="BertWordPieceTokenizer"/>) and the PLM's vocabulary, so both always see the same ids.
/// </summary>
public static class WordPieceVocabFile
{
    /// <summary>
    /// The tokens in id order (a trailing '\r' and trailing empty lines dropped). Throws <see cref="FileNotFoundException"/>
    /// naming the full path when the file is missing.
    /// </summary>
    public static string[] ReadTokens(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new FileNotFoundException($"BERT vocabulary not found at {full} (pass its path, e.g. --vocab).", full);
        var tokens = File.ReadAllLines(full).Select(l => l.TrimEnd('\r')).ToList();
        while (tokens.Count > 0 && tokens[^1].Length == 0) tokens.RemoveAt(tokens.Count - 1);
        return [.. tokens];
    }
}
