using Flip.FeatureStore.Errors;

namespace Flip.Trainer.IdModels;

/// <summary>Builds an ID-based CTR model by its short name.</summary>
public static class CtrModelFactory
{
    private static readonly Dictionary<string, Func<int, int, IdModelOptions, CtrModel>> Builders = new(StringComparer.OrdinalIgnoreCase)
    {
        ["afm"] = (n, f, o) => new AfmModel(n, f, o),
        ["pnn"] = (n, f, o) => new PnnModel(n, f, o),
        ["widedeep"] = (n, f, o) => new WideDeepModel(n, f, o),
        ["dcn"] = (n, f, o) => new DcnModel(n, f, o),
        ["deepfm"] = (n, f, o) => new DeepFmModel(n, f, o),
        ["xdeepfm"] = (n, f, o) => new XDeepFmModel(n, f, o),
        ["afn"] = (n, f, o) => new AfnModel(n, f, o),
        ["autoint"] = (n, f, o) => new AutoIntModel(n, f, o),
        ["dcnv2"] = (n, f, o) => new DcnV2Model(n, f, o),
    };

    /// <summary>The model names, in the paper's table order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["afm", "pnn", "widedeep", "dcn", "deepfm", "xdeepfm", "afn", "autoint", "dcnv2"];

    /// <summary>
    /// Creates the model <paramref name="name"/> over a shared table of <paramref name="numFeatures"/> ids and
    /// <paramref name="numFields"/> fields. Unknown names throw <see cref="UserInputException"/> listing the known ones.
    /// </summary>
    public static CtrModel Create(string name, int numFeatures, int numFields, IdModelOptions? options = null)
    {
        if (!Builders.TryGetValue(name, out var build))
            throw new UserInputException($"Unknown ID model '{name}'. Known models: {string.Join(", ", Names)}.");
        return build(numFeatures, numFields, options ?? new IdModelOptions());
    }
}
