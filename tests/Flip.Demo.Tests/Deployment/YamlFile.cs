using YamlDotNet.RepresentationModel;

namespace Flip.Demo.Tests.Deployment;

/// <summary>A YAML file read into plain values: mappings as dictionaries, sequences as lists, scalars as strings.</summary>
internal static class YamlFile
{
    public static Dictionary<string, object?> Load(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path)) stream.Load(reader);
        Assert.True(stream.Documents.Count == 1, $"{path}: expected one YAML document");
        return (Dictionary<string, object?>)Convert(stream.Documents[0].RootNode)!;
    }

    static object? Convert(YamlNode node) => node switch
    {
        YamlMappingNode m => m.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => Convert(kv.Value), StringComparer.Ordinal),
        YamlSequenceNode s => s.Children.Select(Convert).ToList(),
        YamlScalarNode s => s.Value,
        _ => throw new InvalidDataException($"unexpected YAML node {node.NodeType}"),
    };

    public static Dictionary<string, object?> Map(this Dictionary<string, object?> map, string key)
    {
        Assert.True(map.TryGetValue(key, out var value) && value is Dictionary<string, object?>, $"'{key}' is missing or not a mapping");
        return (Dictionary<string, object?>)value!;
    }

    public static List<object?> List(this Dictionary<string, object?> map, string key)
    {
        Assert.True(map.TryGetValue(key, out var value) && value is List<object?>, $"'{key}' is missing or not a sequence");
        return (List<object?>)value!;
    }

    public static string Text(this Dictionary<string, object?> map, string key)
    {
        Assert.True(map.TryGetValue(key, out var value) && value is string, $"'{key}' is missing or not a scalar");
        return (string)value!;
    }
}
