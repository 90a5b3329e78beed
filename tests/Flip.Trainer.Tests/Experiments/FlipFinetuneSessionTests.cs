using Flip.Trainer.Alignment;
using Flip.Trainer.Experiments;

namespace Flip.Trainer.Tests.Experiments;

/// <summary>Not run beside other tests: they draw from torch's global generator too, which would undo the seed.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SeededTorchCollection
{
    public const string Name = "seeded torch generator";
}

[Collection(SeededTorchCollection.Name)]
public class FlipFinetuneSessionTests(FlipExperimentFixture fixture) : IClassFixture<FlipExperimentFixture>
{
    [Fact]
    public void WindowAfterWindowTheOptimizerStateCarriesOverAndTheModelLearns()
    {
        // Dropout draws from torch's global generator: seeded, so that a run is repeatable (unseeded, dropout noise on
        // this small synthetic set occasionally outweighed four passes of learning).
        TorchSharp.torch.manual_seed(2024);
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
