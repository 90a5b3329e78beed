using Flip.FeatureStore.Errors;
using Flip.FeatureStore.Readers;

namespace Flip.FeatureStore.Tests.Errors;

public class ErrorPolicyTests
{
    public static TheoryData<Exception> InputOrEnvironment => new()
    {
        new UserInputException("bad --limit"),
        new EnvironmentException("no GPU"),
        new DatasetFormatException("ratings.dat", 3, "5 fields expected"),
        new FileNotFoundException("vocab.txt is missing"),
        new DirectoryNotFoundException("no such folder"),
        new IOException("No space left on device"),
        new UnauthorizedAccessException("read-only folder"),
        new AggregateException(new UserInputException("inside a task")),
    };

    [Theory]
    [MemberData(nameof(InputOrEnvironment))]
    public void Bad_input_or_environment_is_exit_2_with_one_line(Exception e)
    {
        var outcome = ErrorPolicy.Classify(Thrown(e));
        Assert.Equal(ErrorPolicy.UserError, outcome.ExitCode);
        Assert.StartsWith("error: ", outcome.Message);
        Assert.DoesNotContain('\n', outcome.Message);
        Assert.DoesNotContain(" at ", outcome.Message);
    }

    public static TheoryData<Exception> Bugs => new()
    {
        new ArgumentException("a caller broke a contract", "x"),
        new InvalidOperationException("state that cannot happen"),
        new NullReferenceException(),
        new IndexOutOfRangeException(),
    };

    [Theory]
    [MemberData(nameof(Bugs))]
    public void Anything_else_is_a_bug_exit_1_with_the_stack_trace(Exception e)
    {
        var outcome = ErrorPolicy.Classify(Thrown(e));
        Assert.Equal(ErrorPolicy.Bug, outcome.ExitCode);
        Assert.Contains(e.GetType().FullName!, outcome.Message);
        Assert.Contains(nameof(Thrown), outcome.Message); // the stack trace names the throwing method
    }

    [Fact]
    public void A_multi_line_message_becomes_one_line()
    {
        Assert.Equal("error: first second", ErrorPolicy.Classify(new UserInputException("first\nsecond")).Message);
    }

    [Fact]
    public void Cancellation_is_exit_130()
    {
        Assert.Equal(ErrorPolicy.Cancelled, ErrorPolicy.Classify(new OperationCanceledException()).ExitCode);
    }

    [Fact]
    public async Task RunAsync_returns_the_code_of_main_or_of_the_policy()
    {
        var error = new StringWriter();
        Assert.Equal(7, await ErrorPolicy.RunAsync(() => Task.FromResult(7), error));
        Assert.Equal(2, await ErrorPolicy.RunAsync(() => throw new UserInputException("Unknown dataset 'x'."), error));
        Assert.Equal("error: Unknown dataset 'x'.", error.ToString().Trim());
    }

    [Fact]
    public void An_unknown_dataset_name_is_user_input()
    {
        var e = Assert.Throws<UserInputException>(() => DatasetCatalog.Open("nosuch", "."));
        Assert.Equal(ErrorPolicy.UserError, ErrorPolicy.Classify(e).ExitCode);
    }

    private static Exception Thrown(Exception e)
    {
        try { throw e; }
        catch (Exception caught) { return caught; }
    }
}
