namespace Flip.FeatureStore.Errors;

/// <summary>
/// Input the user can fix: an unknown dataset or model name, an option out of range, a malformed file. Every layer throws
/// it (or a subclass) for such input; <see cref="ErrorPolicy"/> turns it into one line and exit code 2, never a stack trace.
/// The message is that line: it names the bad value and, where it helps, what would be accepted.
/// </summary>
public class UserInputException(string message, Exception? inner = null) : Exception(message, inner);
