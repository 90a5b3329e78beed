using Flip.Trainer.Alignment;
using Flip.Trainer.Experiments;

namespace Flip.Trainer.Tests.Experiments;

public class FlipFinetuneSessionTests(FlipExperimentFixture fixture) : IClassFixture<FlipExperimentFixture>
{
    [Fact]
    public void WindowAfterWindowTheOptimizerStateCarriesOverAndTheModelLearns()
    {
        var checkpoint = FlipCheckpoint.Load(fixture.PretrainedDir, SyntheticEvents.Schema, TorchSharp.torch.CPU);
        using var plm = checkpoint.Plm;
        using var id = checkpoint.Id.Model;
        using var session = new FlipFinetuneSession(checkpoint, FlipExperimentFixture.Finetuning);
        var train = fixture.Data.Train;
        var first = session.Train(train.Take(243).ToArray());
        Assert.Equal(8, session.Steps); // ceil(243 / 32)
        var losses = new List<double> { first };
        for (var pass = 0; pass < 4; pass++) losses.Add(session.Train(train.Skip(243).ToArray()));
        Assert.Equal(8 + 4 * 8, session.Steps);
        Assert.True(losses[^1] < losses[1], $"loss did not fall on a repeated window: {string.Join(", ", losses)}");
        var p = session.Predict(fixture.Data.Test);
        Assert.Equal(fixture.Data.Test.Length, p.Length);
        Assert.All(p, x => Assert.InRange(x, 0f, 1f));
        Assert.True(double.IsNaN(session.Train([])));
    }
}
