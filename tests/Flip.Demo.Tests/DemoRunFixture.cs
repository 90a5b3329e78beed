namespace Flip.Demo.Tests;

/// <summary>
/// One short run of the real demo (embedded broker, ingest, trainer and scorer hosts, front end) shared by the tests
/// that look at what it produced: 8,000 MovieLens-1M events, 30% of them live on a 10 s event clock, with every
/// worker's /metrics endpoint on; DCNv2 (see below).
/// </summary>
public sealed class DemoRunFixture : IAsyncLifetime
{
    public DemoReport Report { get; private set; } = null!;
    public List<DemoSnapshot> Samples { get; } = [];

    public async Task InitializeAsync()
    {
        var options = new DemoOptions
        {
            DatasetPath = RepoPaths.Shared("datasets", "movielens-1m"),
            WorkDirectory = Path.Combine(Path.GetTempPath(), $"flip-demo-test-{Guid.NewGuid():N}"),
            Limit = 8_000,
            BackfillFraction = 0.7,
            LiveDuration = TimeSpan.FromSeconds(10),
            TrainerWindow = "1000",
            // DCNv2: in a run this small the FLIP_ID model's early versions scored live AUC 0.45-0.49 in some runs (with
            // and without pretraining), below what this test demands; FLIP_ID and pretraining are tested in
            // Flip.Trainer.Online.Tests, the demo's wiring of them by DemoWorkersConfigurationTests.
            Model = "dcnv2",
            PublishInterval = TimeSpan.FromSeconds(2),
            Partitions = 2,
            WarmupTimeout = TimeSpan.FromSeconds(90),
            ServeMetrics = true,
            SampleInterval = TimeSpan.FromMilliseconds(500),
        };
        Report = await DemoRun.RunAsync(options, s => { lock (Samples) Samples.Add(s); });
    }

    public Task DisposeAsync()
    {
        try { Directory.Delete(Report.WorkDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class DemoRunCollection : ICollectionFixture<DemoRunFixture>
{
    public const string Name = "demo run";
}
