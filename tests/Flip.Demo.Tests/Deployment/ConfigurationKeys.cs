using System.Reflection;

namespace Flip.Demo.Tests.Deployment;

/// <summary>
/// Checks that an environment key (<c>Section__Property[__Sub]</c>, what the .NET configuration binder reads) names a
/// real property of the options class bound from that section, so a renamed option breaks this test, not production.
/// </summary>
internal static class ConfigurationKeys
{
    /// <summary>Returns null when the key binds, else the reason it does not.</summary>
    public static string? WhyNotBound(string key, IReadOnlyDictionary<string, Type> sections)
    {
        var parts = key.Split("__");
        if (!sections.TryGetValue(parts[0], out var type)) return $"section '{parts[0]}' is bound by no options class";
        for (int i = 1; i < parts.Length; i++)
        {
            if (IsDictionary(type)) return null; // Free-form keys (Kafka:Settings, librdkafka property names).
            var property = type.GetProperty(parts[i], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null || property.SetMethod is not { IsPublic: true } && !IsDictionary(property.PropertyType))
                return $"{type.Name} has no settable property '{parts[i]}'";
            type = property.PropertyType;
        }
        return null;
    }

    static bool IsDictionary(Type type) =>
        type.IsGenericType && type.GetInterfaces().Append(type).Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
}
