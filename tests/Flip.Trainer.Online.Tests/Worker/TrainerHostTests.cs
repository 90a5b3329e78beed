namespace Flip.Trainer.Online.Tests.Worker;

public sealed class TrainerHostTests
{
    private static Dictionary<string, string?> Settings(string store, string registry) => new()
    {
        ["Store:Root"] = store,
        ["Registry:Root"] = registry,
        ["Trainer:Dataset"] = "movielens-1m",
        ["Trainer:Drain"] = "true",
        ["Trainer:Announce"] = "false",
        ["Trainer:MetricsPort"] = "0",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    [Fact]
    public async Task A_registry_that_cannot_be_written_is_a_one_line_error_and_exit_code_2()
    {
        var root = TestStores.TempDirectory("unwritable");
        Directory.CreateDirectory(Path.Combine(root, "store"));
        var blocker = Path.Combine(root, "registry");
        File.WriteAllText(blocker, "a file where the registry folder should be");
        var error = new StringWriter();
        int code = await TrainerHost.RunAsync(TrainerHost.CreateBuilder(Settings(Path.Combine(root, "store"), blocker)), error);
        Assert.Equal(2, code);
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains(blocker, lines[0]);
    }

    [Fact]
    public async Task A_bad_setting_is_a_one_line_error_and_exit_code_2()
    {
        var root = TestStores.TempDirectory("bad-setting");
        var settings = Settings(Path.Combine(root, "store"), Path.Combine(root, "registry"));
        settings["Trainer:Window"] = "soon";
        var error = new StringWriter();
        Assert.Equal(2, await TrainerHost.RunAsync(TrainerHost.CreateBuilder(settings), error));
        Assert.Contains("Trainer:Window", error.ToString());
    }
}
