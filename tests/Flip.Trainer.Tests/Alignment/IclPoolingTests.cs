using Flip.Trainer.Alignment;
using static TorchSharp.torch;

namespace Flip.Trainer.Tests.Alignment;

/// <summary>ICL's text vector: [CLS] (the paper's) or the mean of the unpadded token states (diagnostic option).</summary>
public class IclPoolingTests
{
    [Fact]
    public void ClsTakesTheFirstStateAndMeanAveragesOnlyUnpaddedTokens()
    {
        // Two texts of 3 positions, hidden size 2; the second text has one padding position holding a large value.
        using var states = tensor(new float[] { 1, 2, 3, 4, 5, 6, /**/ 10, 20, 30, 40, 1000, 1000 }).reshape(2, 3, 2);
        using var mask = tensor(new long[] { 1, 1, 1, /**/ 1, 1, 0 }).reshape(2, 3);
        using var cls = FlipPretrainingModel.PoolText(states, mask, IclTextPooling.Cls);
        using var mean = FlipPretrainingModel.PoolText(states, mask, IclTextPooling.Mean);
        Assert.Equal(new float[] { 1, 2, 10, 20 }, cls.data<float>().ToArray());
        Assert.Equal(new float[] { 3, 4, 20, 30 }, mean.data<float>().ToArray());
    }

    [Fact]
    public void MeanPoolingChangesOnlyTheIclLoss()
    {
        FlipLosses Losses(IclTextPooling pooling)
        {
            var heads = FlipTestModels.Heads;
            heads.IclPooling = pooling;
            using var model = FlipTestModels.Pretraining(seed: 4, heads: heads);
            model.eval(); // no dropout: the two runs differ only by the pooling
            using var batch = FlipTestModels.MaskedBatch(seed: 6);
            using (no_grad()) return model.call(batch);
        }
        using var cls = Losses(IclTextPooling.Cls);
        using var mean = Losses(IclTextPooling.Mean);
        Assert.Equal(cls.Mlm!.Value, mean.Mlm!.Value, 5);
        Assert.Equal(cls.Mtm!.Value, mean.Mtm!.Value, 5);
        Assert.NotEqual(cls.Icl!.Value, mean.Icl!.Value, 4);
    }
}
