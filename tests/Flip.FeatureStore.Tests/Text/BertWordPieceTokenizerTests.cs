using static Flip.FeatureStore.Tests.Text.SharedTokenizer;

namespace Flip.FeatureStore.Tests.Text;

public class BertWordPieceTokenizerTests
{
    [Fact]
    public void LowerCasesStripsAccentsAndSplitsPunctuationLikeBertUncased()
    {
        var ids = Instance.Encode("Amélie (Fabuleux destin d'Amélie Poulain, Le) (2001)");
        Assert.Equal(
            ["amelie", "(", "fa", "##bu", "##le", "##ux", "des", "##tin", "d", "'", "amelie", "po", "##ula", "##in", ",", "le", ")", "(", "2001", ")"],
            Strings(ids));
    }

    [Fact]
    public void StripsAccentsWithoutIcu()
    {
        // The repo runs with InvariantGlobalization, where string.Normalize cannot decompose "é".
        Assert.Equal(["zoe", "cafe", "naive", "sao", "paulo", "."], Strings(Instance.Encode("Zoë CAFÉ naïve São Paulo.")));
        // A lone combining mark is dropped too, as BERT drops every Mn character after NFD.
        Assert.Equal(["e"], Strings(Instance.Encode("e\u0301")));
        // Hangul syllables decompose into jamo, as NFD does.
        Assert.Equal(["\u1112", "##\u1161", "##\u11AB"], Strings(Instance.Encode("\uD55C")));
    }

    [Fact]
    public void KeepsAsciiSymbolsAsTokensAsBertDoes()
    {
        // ML.Tokenizers' default pre-tokenizer would silently drop | and +.
        Assert.Equal(["drama", "|", "war", "+", "1"], Strings(Instance.Encode("Drama|War +1")));
    }

    [Fact]
    public void SpecialTokenTextInsideValuesStaysText()
    {
        Assert.Equal(["[", "sep", "]", "x"], Strings(Instance.Encode("[SEP] x")));
        Assert.DoesNotContain(Instance.SeparatorTokenId, Instance.Encode("[SEP] x"));
    }

    [Fact]
    public void ExposesSpecialIdsAndVocabularySize()
    {
        Assert.Equal(30522, Instance.VocabularySize);
        Assert.Equal("[CLS]", Instance.TokenOf(Instance.ClassificationTokenId));
        Assert.Equal("[SEP]", Instance.TokenOf(Instance.SeparatorTokenId));
        Assert.Equal("[PAD]", Instance.TokenOf(Instance.PaddingTokenId));
        Assert.Equal("[MASK]", Instance.TokenOf(Instance.MaskingTokenId));
        Assert.Throws<ArgumentOutOfRangeException>(() => Instance.TokenOf(30522));
    }

    [Fact]
    public void MissingVocabularyFileIsAClearError()
    {
        var e = Assert.Throws<FileNotFoundException>(() => Flip.FeatureStore.Text.BertWordPieceTokenizer.Load("/nonexistent/vocab.txt"));
        Assert.Contains("--vocab", e.Message);
    }
}
