using System.Text.Json;

namespace Flip.Trainer.Experiments;

/// <summary>Copies of the plain settable options bags the experiments vary per seed or per mode.</summary>
internal static class OptionsCopy
{
    /// <summary>A deep copy by JSON round trip: every public setting, including ones added later, without a hand-kept list.</summary>
    public static T Of<T>(T options) => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(options))!;
}
