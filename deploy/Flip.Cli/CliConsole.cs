using Spectre.Console;

namespace Flip.Cli;

/// <summary>Consoles shared by all commands.</summary>
internal static class CliConsole
{
    /// <summary>A console on stderr for progress, status and errors, so stdout stays clean for --json and tables.</summary>
    public static IAnsiConsole Error() => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
}
