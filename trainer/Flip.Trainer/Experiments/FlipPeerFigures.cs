using System.Text.Json;
using System.Text.Json.Serialization;

namespace Flip.Trainer.Experiments;

/// <summary>
/// One run of the PyTorch peer (deploy/gpu/peer_flip_pretrain.py, TinyBERT 4L-312 shape, synthetic inputs): the JSON
/// it prints after "peer-json ". <see cref="Amp"/> 1 = bf16 autocast.
/// </summary>
public sealed record FlipPeerFigures(
    [property: JsonPropertyName("batch")] int Batch,
    [property: JsonPropertyName("amp")] int Amp,
    [property: JsonPropertyName("steps")] int Steps,
    [property: JsonPropertyName("samples_per_second")] double SamplesPerSecond,
    [property: JsonPropertyName("max_memory_allocated")] long MaxMemoryAllocated,
    [property: JsonPropertyName("max_memory_reserved")] long MaxMemoryReserved,
    [property: JsonPropertyName("torch")] string? Torch,
    [property: JsonPropertyName("device")] string? Device)
{
    public const string LinePrefix = "peer-json ";

    public string Precision => Amp == 1 ? "bf16" : "fp32";

    /// <summary>
    /// The peer's figures in <paramref name="lines"/> (its raw output or just the JSON lines; other lines are skipped).
    /// A line that starts like a figure but does not parse is bad input: <see cref="InvalidDataException"/>.
    /// </summary>
    public static IReadOnlyList<FlipPeerFigures> Parse(IEnumerable<string> lines, string source)
    {
        var figures = new List<FlipPeerFigures>();
        var number = 0;
        foreach (var raw in lines)
        {
            number++;
            var line = raw.Trim();
            if (line.StartsWith(LinePrefix, StringComparison.Ordinal)) line = line[LinePrefix.Length..];
            else if (!line.StartsWith('{')) continue;
            try
            {
                figures.Add(JsonSerializer.Deserialize<FlipPeerFigures>(line) ?? throw new JsonException("null"));
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{source}:{number}: not a peer figure line ({e.Message})", e);
            }
        }
        return figures;
    }
}
