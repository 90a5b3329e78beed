using System.CommandLine;
using System.Text.Json;

namespace Flip.Cli.Tests;

/// <summary>The one error policy, end to end: bad input or environment -> exit 2 with one line; a bug -> exit 1 with its stack.</summary>
public class ExitCodeTests
{
    private static readonly string MovieLens = RepoPaths.Shared("datasets", "movielens-1m");

    private static void AssertOneLineError(FlipRun run, string expected)
    {
        Assert.True(run.ExitCode == 2, run.ToString());
        // Progress lines ("Reading ...") may come first on stderr; the error is exactly one line.
        var line = Assert.Single(run.ErrorLines, l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Contains(expected, line);
        Assert.DoesNotContain("   at ", run.Stderr);
    }

    [Fact]
    public void An_unknown_dataset_is_exit_2_with_one_line_naming_the_valid_ones()
    {
        var run = FlipProcess.Run("data", "inspect", "--dataset", "movielens-20m", "--path", MovieLens);
        AssertOneLineError(run, "Unknown dataset 'movielens-20m'");
        Assert.Contains("movielens-1m", run.Stderr);
    }

    [Fact]
    public void A_missing_dataset_folder_is_exit_2_with_one_line()
    {
        var missing = Path.Combine(Path.GetTempPath(), "flip-cli-missing-" + Guid.NewGuid().ToString("N"));
        AssertOneLineError(FlipProcess.Run("train", "id", "-d", "movielens-1m", "-p", missing, "--threads", "1"), missing);
    }

    [Fact]
    public void A_missing_vocabulary_file_is_exit_2_with_one_line()
    {
        var missing = Path.Combine(Path.GetTempPath(), "flip-cli-missing-" + Guid.NewGuid().ToString("N") + ".txt");
        AssertOneLineError(FlipProcess.Run("data", "pairs", "-d", "movielens-1m", "-p", MovieLens, "--vocab", missing, "-n", "1"), "BERT vocabulary not found");
    }

    [Theory]
    [InlineData("train", "id", "--limit", "0")]
    [InlineData("train", "id", "--threads", "0")]
    [InlineData("train", "id", "--batch-size", "0")]
    [InlineData("train", "id", "--batch", "64")]   // the old spelling is gone
    [InlineData("train", "id", "--save", "x")]     // --out now
    [InlineData("bench", "id-latency", "--train-batch", "64")]
    public void Parse_errors_are_exit_2_with_one_line_each(params string[] args)
    {
        var run = FlipProcess.Run([.. args, "-d", "movielens-1m", "-p", MovieLens]);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.All(run.ErrorLines, l => Assert.StartsWith("error: ", l));
        Assert.DoesNotContain("   at ", run.Stderr);
    }

    [Fact]
    public void An_unknown_model_is_exit_2_before_any_data_is_read()
    {
        AssertOneLineError(FlipProcess.Run("train", "id", "-d", "movielens-1m", "-p", "/nonexistent", "--model", "nosuch", "--threads", "1"), "Unknown ID model 'nosuch'");
    }

    [Fact]
    public void An_unknown_device_is_exit_2()
    {
        AssertOneLineError(FlipProcess.Run("pretrain", "-d", "movielens-1m", "-p", MovieLens, "--device", "tpu", "--threads", "1"), "unknown device 'tpu'");
    }

    [Fact]
    public void Bad_scorer_settings_are_exit_2_with_one_line()
    {
        AssertOneLineError(FlipProcess.Run("serve", "--registry", Path.GetTempPath(), "--no-kafka", "--pin", "abc"), "Scorer:PinVersion 'abc'");
    }

    [Fact]
    public async Task A_bug_in_a_command_is_exit_1_with_its_stack_trace()
    {
        var root = FlipCli.Create();
        var buggy = new Command("buggy");
        buggy.SetAction(_ => Bug());
        root.Subcommands.Add(buggy);
        var error = new StringWriter();
        Assert.Equal(1, await FlipCli.RunAsync(root, ["buggy"], error));
        Assert.Contains("System.ArgumentException: a caller broke a contract", error.ToString());
        Assert.Contains("   at Flip.Cli.Tests.ExitCodeTests", error.ToString()); // the stack trace, down to the throwing method

        static int Bug() => throw new ArgumentException("a caller broke a contract");
    }

    [Fact]
    public void A_short_real_training_run_accepts_the_shared_option_names()
    {
        var output = Path.Combine(Path.GetTempPath(), "flip-cli-train-" + Guid.NewGuid().ToString("N"));
        try
        {
            var run = FlipProcess.Run("train", "id", "-d", "movielens-1m", "-p", MovieLens, "--limit", "3000", "--epochs", "1",
                "--batch-size", "256", "--threads", "1", "--out", output, "--json");
            Assert.True(run.ExitCode == 0, run.ToString());
            using var summary = JsonDocument.Parse(run.Stdout);
            Assert.Equal(2430, summary.RootElement.GetProperty("TrainSamples").GetInt32()); // the one split of 3,000 events
            Assert.Equal(256, summary.RootElement.GetProperty("BatchSize").GetInt32());
            Assert.NotEmpty(Directory.GetFiles(output));
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }
}
