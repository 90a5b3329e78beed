using Flip.FeatureStore.Tests.Readers;
using Flip.FeatureStore.Text;

namespace Flip.FeatureStore.Tests.Text;

public class WordPieceVocabFileTests
{
    [Fact]
    public void Tokens_are_in_line_order_without_trailing_blank_lines()
    {
        using var dir = new FixtureFolder().Write("vocab.txt", "[PAD]\r\n[UNK]\nhello\n\n\n", new System.Text.UTF8Encoding(false));
        Assert.Equal(["[PAD]", "[UNK]", "hello"], WordPieceVocabFile.ReadTokens(dir.File("vocab.txt")));
    }

    [Fact]
    public void A_missing_file_names_its_full_path()
    {
        var e = Assert.Throws<FileNotFoundException>(() => WordPieceVocabFile.ReadTokens("no-such-vocab.txt"));
        Assert.Contains(Path.GetFullPath("no-such-vocab.txt"), e.Message);
    }

    [Fact]
    public void The_tokenizer_and_the_file_reader_agree_on_the_shared_vocabulary()
    {
        Assert.Equal(WordPieceVocabFile.ReadTokens(RepoPaths.BertVocab).Length, SharedTokenizer.Instance.VocabularySize);
    }
}
