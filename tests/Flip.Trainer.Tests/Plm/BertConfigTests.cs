using Flip.Trainer.Plm;

namespace Flip.Trainer.Tests.Plm;

public sealed class BertConfigTests
{
    [Fact]
    public void ReadsTinyBertGeneralConfigWithItsExtraKeys()
    {
        // config.json of huawei-noah/TinyBERT_General_4L_312D (extra keys such as cell, emb_size, structure are ignored).
        const string json = """
            {"attention_probs_dropout_prob": 0.1, "cell": {}, "emb_size": 312, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
             "hidden_size": 312, "initializer_range": 0.02, "intermediate_size": 1200, "max_position_embeddings": 512,
             "num_attention_heads": 12, "num_hidden_layers": 4, "pre_trained": "", "structure": [], "training": "",
             "type_vocab_size": 2, "vocab_size": 30522}
            """;
        Assert.Equal(BertConfig.TinyBert, BertConfig.FromJson(json));
        Assert.Equal(26, BertConfig.TinyBert.HeadSize);
    }

    [Fact]
    public void WritesHuggingFaceKeysAndReadsThemBack()
    {
        var config = BertConfig.TinyBert with { HiddenAct = "gelu_new", LayerNormEps = 1e-7 };
        var json = config.ToJson();
        Assert.Contains("\"model_type\": \"bert\"", json);
        Assert.Contains("\"num_attention_heads\": 12", json);
        Assert.Contains("\"layer_norm_eps\": 1E-07", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("head_size", json);
        Assert.Equal(config, BertConfig.FromJson(json));
    }

    [Theory]
    [InlineData("""{"hidden_size": 30, "num_attention_heads": 4}""", "not a multiple")]
    [InlineData("""{"hidden_act": "swish"}""", "unsupported hidden_act 'swish'")]
    [InlineData("""{"num_hidden_layers": 0}""", "num_hidden_layers must be positive")]
    [InlineData("""{"hidden_size": "big"}""", "not a valid BERT config.json")]
    public void InvalidConfigsAreClearErrors(string json, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => BertConfig.FromJson(json, "cfg.json"));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("cfg.json", e.Message);
    }
}
