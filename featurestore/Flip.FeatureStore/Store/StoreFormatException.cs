using Flip.FeatureStore.Errors;

namespace Flip.FeatureStore.Store;

/// <summary>A store file that cannot be used as it is (wrong schema, unreadable); names the file.</summary>
public sealed class StoreFormatException(string file, string problem, Exception? inner = null)
    : UserInputException($"{file}: {problem}", inner)
{
    public string File { get; } = file;
    public string Problem { get; } = problem;
}
