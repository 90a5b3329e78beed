namespace Flip.Demo.Tests;

/// <summary>What `flip demo` promises, checked on a short real run: nothing acknowledged is lost, models are trained,
/// published and served, live events are scored before their click, the chart and summary are written.</summary>
[Collection(DemoRunCollection.Name)]
public class DemoRunTests(DemoRunFixture demo)
{
    [Fact]
    public void Runs_to_the_end_without_a_crash_and_stores_every_acknowledged_event()
    {
        var r = demo.Report;
        Assert.Empty(r.Failures);
        Assert.False(r.Interrupted);
        Assert.Equal(8_000, r.DatasetEvents);
        Assert.Equal(r.DatasetEvents, r.Produced);
        Assert.Equal(0, r.Unaccounted);
        Assert.Equal(r.BackfillEvents + r.LiveEvents, r.DatasetEvents);
    }

    [Fact]
    public void Trains_publishes_and_serves_models_and_scores_live_events_before_their_click()
    {
        var r = demo.Report;
        Assert.True(r.TrainerWindows >= 3, $"windows trained: {r.TrainerWindows}");
        Assert.True(r.PublishedVersions >= 1);
        Assert.NotEmpty(r.ServedVersions);
        Assert.Equal(r.LiveEvents, r.LivePlayed);
        Assert.True(r.LiveScored > 0, $"scored {r.LiveScored} of {r.LiveEvents} live events");
        Assert.InRange(r.LiveAucOverall, 0.5, 1.0);
        Assert.InRange(r.PrequentialAucMean, 0.5, 1.0);
        Assert.All(r.ServedVersions, v => Assert.True(v.TrainedToServed < TimeSpan.FromSeconds(60), $"{v.Version} took {v.TrainedToServed} to be served"));
    }

    [Fact]
    public void Serves_the_model_kind_it_was_given()
    {
        var r = demo.Report;
        Assert.NotEmpty(r.ServedVersions);
        Assert.All(r.ServedVersions, v => Assert.Equal("dcnv2", v.Kind));
        Assert.Equal(0, r.PretrainRuns);
    }

    [Fact]
    public void Writes_the_chart_and_the_summary_next_to_the_store()
    {
        var r = demo.Report;
        Assert.Equal(Path.GetDirectoryName(r.StoreRoot), Path.GetDirectoryName(r.ChartPath));
        var png = File.ReadAllBytes(r.ChartPath!);
        Assert.True(png.Length > 10_000);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        Assert.Contains("\"unaccounted\": 0", File.ReadAllText(r.SummaryPath!), StringComparison.Ordinal);
    }

    [Fact]
    public void Dashboard_samples_follow_the_phases_in_order()
    {
        List<DemoPhase> phases;
        lock (demo.Samples) phases = demo.Samples.Select(s => s.Phase).Distinct().ToList();
        Assert.Equal(phases.Order().ToList(), phases);
        Assert.Contains(DemoPhase.Live, phases);
        Assert.Equal(DemoPhase.Done, phases[^1]);
    }
}
