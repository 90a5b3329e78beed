using System.CommandLine;

namespace Flip.Cli.Tests;

/// <summary>Every command answers --help, and the commands share one set of option names.</summary>
public class HelpAndOptionTests
{
    private static IEnumerable<(string Path, Command Command)> Commands(Command command, string path)
    {
        foreach (var sub in command.Subcommands)
        {
            var subPath = path.Length == 0 ? sub.Name : $"{path} {sub.Name}";
            yield return (subPath, sub);
            foreach (var nested in Commands(sub, subPath)) yield return nested;
        }
    }

    private static Dictionary<string, Command> All() => Commands(FlipCli.Create(), "").ToDictionary(c => c.Path, c => c.Command);

    private static string Help(string path)
    {
        var output = new StringWriter();
        var code = FlipCli.Create().Parse([.. path.Split(' '), "--help"]).Invoke(new InvocationConfiguration { Output = output });
        Assert.Equal(0, code);
        return output.ToString();
    }

    [Fact]
    public void Every_command_answers_help_with_exit_0()
    {
        var all = All();
        Assert.True(all.Count >= 20, $"only {all.Count} commands found");
        foreach (var path in all.Keys)
            Assert.Contains("Usage:", Help(path));
    }

    [Fact]
    public void Help_works_for_the_real_executable()
    {
        var run = FlipProcess.Run("train", "id", "--help");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("--batch-size", run.Stdout);
    }

    public static TheoryData<string> TorchCommands => new()
    {
        "train id", "bench id", "bench id-latency", "bench flip", "bench flip-seeds", "bench flip-gpu", "pretrain", "finetune", "serve", "train online", "demo",
    };

    [Theory]
    [MemberData(nameof(TorchCommands))]
    public void Every_torch_command_takes_threads(string path)
    {
        Assert.Contains(All()[path].Options, o => o.Name == "--threads");
    }

    [Theory]
    [InlineData("pretrain")]
    [InlineData("finetune")]
    [InlineData("bench flip")]
    [InlineData("bench flip-seeds")]
    [InlineData("bench flip-gpu")]
    public void Commands_that_can_use_a_gpu_take_device(string path)
    {
        Assert.Contains(All()[path].Options, o => o.Name == "--device");
    }

    [Fact]
    public void Option_names_are_one_set()
    {
        foreach (var (path, command) in All())
        {
            var names = command.Options.Select(o => o.Name).ToList();
            Assert.DoesNotContain("--batch", names);
            Assert.DoesNotContain("--save", names);
            Assert.DoesNotContain("--train-batch", names);
            foreach (var limit in command.Options.Where(o => o.Name == "--limit"))
                Assert.True(limit.ValueType == typeof(int?), $"{path}: --limit is {limit.ValueType.Name}, not int?");
            foreach (var output in command.Options.Where(o => o.Name == "--out"))
                Assert.True(output.Aliases.Contains("-o"), $"{path}: --out without -o");
        }
    }

    [Fact]
    public void Threads_default_to_the_number_of_cores_for_offline_torch_commands()
    {
        foreach (var path in new[] { "train id", "bench id", "bench id-latency", "bench flip", "bench flip-seeds", "pretrain", "finetune" })
        {
            var threads = (Option<int>)All()[path].Options.Single(o => o.Name == "--threads");
            var parse = FlipCli.Create().Parse([.. path.Split(' '), "-d", "movielens-1m", "-p", ".", "--from", "."]);
            Assert.Equal(Environment.ProcessorCount, parse.GetValue<int>("--threads"));
            Assert.NotNull(threads.DefaultValueFactory);
        }
    }
}
