using System.Text.Json;

namespace Flip.Registry;

/// <summary>JSON conventions of registry files and messages: camelCase names, indented files.</summary>
internal static class RegistryJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = false };
    public static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
