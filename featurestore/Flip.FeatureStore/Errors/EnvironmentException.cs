namespace Flip.FeatureStore.Errors;

/// <summary>
/// The machine, not the code, is in the way: a service that does not answer, a package or device that is missing. Every
/// layer throws it (or a subclass) for such causes; <see cref="ErrorPolicy"/> turns it into one line and exit code 2.
/// </summary>
public class EnvironmentException(string message, Exception? inner = null) : Exception(message, inner);
