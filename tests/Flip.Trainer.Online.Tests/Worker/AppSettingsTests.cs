using System.Collections;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace Flip.Trainer.Online.Tests.Worker;

/// <summary>
/// flip-trainer's appsettings.json is the documented list of the Trainer options: it must name every option and give
/// each its default, so a new option (or a changed default) cannot silently go undocumented.
/// </summary>
public sealed class AppSettingsTests
{
    private static IConfigurationSection TrainerSection() => new ConfigurationBuilder()
        .AddJsonFile(RepoPaths.File("trainer", "Flip.Trainer.Host", "appsettings.json"), optional: false)
        .Build().GetSection(TrainerOptions.SectionName);

    [Fact]
    public void The_host_appsettings_name_every_trainer_option_except_arrays()
    {
        var missing = Missing(typeof(TrainerOptions), TrainerSection(), TrainerOptions.SectionName).ToList();
        Assert.True(missing.Count == 0, "Not in trainer/Flip.Trainer.Host/appsettings.json: " + string.Join(", ", missing));
    }

    [Fact]
    public void The_host_appsettings_give_every_trainer_option_its_default()
    {
        var bound = new TrainerOptions();
        TrainerSection().Bind(bound);
        // Arrays bound from JSON would be appended to the default: equality also proves none is listed.
        var json = new JsonSerializerOptions { WriteIndented = true };
        Assert.Equal(JsonSerializer.Serialize(new TrainerOptions(), json), JsonSerializer.Serialize(bound, json));
    }

    private static IEnumerable<string> Missing(Type type, IConfigurationSection section, string path)
    {
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            if (p.PropertyType.IsArray || (p.PropertyType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(p.PropertyType))) continue;
            var child = section.GetSection(p.Name);
            if (IsLeaf(p.PropertyType))
            {
                if (child.Value is null) yield return $"{path}:{p.Name}";
            }
            else
            {
                foreach (var m in Missing(p.PropertyType, child, $"{path}:{p.Name}")) yield return m;
            }
        }
    }

    private static bool IsLeaf(Type t) => t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan)
        || (Nullable.GetUnderlyingType(t) is { } u && IsLeaf(u));
}
