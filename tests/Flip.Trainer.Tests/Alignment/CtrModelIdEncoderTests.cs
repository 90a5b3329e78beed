using Flip.Trainer.Alignment;
using Flip.Trainer.IdModels;
using Flip.Trainer.Plm;
using Flip.Trainer.Tests.Plm;
using TorchSharp;
using static TorchSharp.torch;

namespace Flip.Trainer.Tests.Alignment;

public sealed class CtrModelIdEncoderTests
{
    [Theory]
    [InlineData("dcnv2")]
    [InlineData("deepfm")]
    public void ZooModelsPretrainAndFinetuneAsTheIdSide(string name)
    {
        manual_seed(5);
        var id = new CtrModelIdEncoder(CtrModelFactory.Create(name, SyntheticPairs.FeatureVocabularySize, SyntheticPairs.Fields));
        using var model = new FlipPretrainingModel(new BertForMaskedLM(TinyBert.Config()), id, SyntheticPairs.Fields,
            SyntheticPairs.FeatureVocabularySize, FlipObjectives.For(FlipAblation.None), FlipTestModels.Heads);
        Assert.Contains(model.named_parameters(), p => p.name.StartsWith("id_model.embedding.", StringComparison.Ordinal));

        using var batch = FlipTestModels.MaskedBatch();
        using var losses = model.call(batch);
        Assert.True(losses.Mlm.HasValue && losses.Mtm.HasValue && losses.Icl.HasValue);
        losses.Total.backward();
        Assert.True(id.Model.Embedding.parameters().First().grad!.abs().sum().item<float>() > 0);

        using var finetune = new FlipFinetuneModel(model.Plm, id, FlipFinetuneMode.Flip);
        using var plain = FlipBatch.Create(SyntheticPairs.Many(4, 1), CPU);
        using var prediction = finetune.call(plain);
        Assert.Equal([4L], prediction.Logit.shape);
    }
}
