namespace Flip.FeatureStore.Errors;

/// <summary>What a process does with an exception that ends it: its exit code and the text it prints on stderr.</summary>
/// <param name="ExitCode"><see cref="ErrorPolicy.UserError"/>, <see cref="ErrorPolicy.Bug"/> or <see cref="ErrorPolicy.Cancelled"/>.</param>
/// <param name="Message">One line for bad input or environment; the full exception with its stack trace for a bug.</param>
public sealed record ErrorOutcome(int ExitCode, string Message);

/// <summary>
/// The one error policy of every entry point (the CLI's single handler, flip-ingest, flip-trainer, flip-scorer): bad input
/// or environment -> exit 2 with one line "error: ..."; anything else is a bug -> exit 1 with its stack trace.
/// </summary>
/// <remarks>
/// Known input/environment errors are <see cref="UserInputException"/>, <see cref="EnvironmentException"/> and their
/// subclasses, plus the runtime's own exceptions for things outside the process: <see cref="IOException"/> and its
/// subclasses (a missing file or folder, a full disk, a port in use, an unreachable broker, a refused model file) and
/// <see cref="UnauthorizedAccessException"/>. <see cref="ArgumentException"/> and <see cref="InvalidOperationException"/>
/// are NOT known: in library code they mean a caller broke a contract, which is a bug, so libraries validate user input
/// by throwing <see cref="UserInputException"/>. Configuration that does not bind or validate (a host's settings) is input.
/// </remarks>
public static class ErrorPolicy
{
    /// <summary>Exit code of bad input or environment.</summary>
    public const int UserError = 2;

    /// <summary>Exit code of a bug.</summary>
    public const int Bug = 1;

    /// <summary>Exit code of a run stopped by Ctrl+C / SIGTERM before it finished (128 + SIGINT).</summary>
    public const int Cancelled = 130;

    /// <summary>
    /// Runs an entry point under the policy: <paramref name="main"/>'s exit code, or, when an exception ends it, the policy's
    /// exit code with its text written to <paramref name="error"/>. Every process entry point goes through here.
    /// </summary>
    public static async Task<int> RunAsync(Func<Task<int>> main, TextWriter error)
    {
        try
        {
            return await main();
        }
        catch (Exception e)
        {
            var outcome = Classify(e);
            error.WriteLine(outcome.Message);
            return outcome.ExitCode;
        }
    }

    /// <summary>The exit code and text for <paramref name="e"/> (an aggregate of one exception is judged by that one).</summary>
    public static ErrorOutcome Classify(Exception e)
    {
        var error = Unwrap(e);
        if (error is OperationCanceledException) return new ErrorOutcome(Cancelled, "cancelled");
        return IsUserOrEnvironment(error)
            ? new ErrorOutcome(UserError, "error: " + OneLine(error))
            : new ErrorOutcome(Bug, error.ToString());
    }

    /// <summary>True when <paramref name="e"/> is bad input or environment (exit 2, one line), false for a bug.</summary>
    public static bool IsUserOrEnvironment(Exception e)
    {
        var error = Unwrap(e);
        return error is UserInputException or EnvironmentException or IOException or UnauthorizedAccessException
            || IsConfigurationError(error);
    }

    /// <summary>The message on one line, without .NET's " (Parameter 'x')" suffix.</summary>
    public static string OneLine(Exception e)
    {
        var message = e.Message;
        if (e is ArgumentException { ParamName: { } name } && message.EndsWith($" (Parameter '{name}')", StringComparison.Ordinal))
            message = message[..^$" (Parameter '{name}')".Length];
        return message.ReplaceLineEndings(" ");
    }

    // Named rather than referenced so the data layer does not depend on the hosting packages: a value the configuration
    // binder cannot convert, and options that fail their validation at start, are bad settings.
    private static bool IsConfigurationError(Exception e) =>
        (e is InvalidOperationException && e.Source == "Microsoft.Extensions.Configuration.Binder")
        || e.GetType().FullName == "Microsoft.Extensions.Options.OptionsValidationException";

    private static Exception Unwrap(Exception e)
    {
        while (true)
        {
            switch (e)
            {
                case AggregateException { InnerExceptions.Count: 1 } a: e = a.InnerExceptions[0]; continue;
                case System.Reflection.TargetInvocationException { InnerException: { } inner }: e = inner; continue;
                default: return e;
            }
        }
    }
}
