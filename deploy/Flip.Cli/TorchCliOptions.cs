using System.CommandLine;
using Flip.Trainer;

namespace Flip.Cli;

/// <summary>Torch settings of one command: threads and (where the command can use a GPU) the device.</summary>
internal sealed record TorchSettings(int Threads, string Device);

/// <summary>
/// The one option set of every command that runs TorchSharp in this process (train id, bench id / id-latency / flip /
/// flip-seeds, pretrain, finetune): <c>--threads</c> (default: the number of cores) and, where the library takes a device,
/// <c>--device</c>. <see cref="Configure"/> is the command's one call into <see cref="TorchRuntime"/>, before any other
/// torch call. The services (serve, train online, demo) take their thread counts from their settings and configure torch
/// through <see cref="TorchRuntime"/> themselves; <see cref="ServiceThreads"/> is their <c>--threads</c>.
/// </summary>
internal sealed class TorchCliOptions
{
    /// <param name="deviceDefault">Default of <c>--device</c>; null for a CPU-only command (no <c>--device</c>).</param>
    public TorchCliOptions(string? deviceDefault = "auto")
    {
        Threads.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1) r.AddError($"--threads must be at least 1 (got {r.GetValueOrDefault<int>()}).");
        });
        if (deviceDefault is not null)
            Device = new Option<string>("--device") { Description = $"auto (CUDA when available), cpu, cuda or cuda:N (default {deviceDefault})", DefaultValueFactory = _ => deviceDefault };
    }

    public Option<int> Threads { get; } = new("--threads")
    {
        Description = "Torch intra-op CPU threads (default: the number of cores)",
        DefaultValueFactory = _ => Environment.ProcessorCount,
    };

    /// <summary>Null for a CPU-only command.</summary>
    public Option<string>? Device { get; }

    public void AddTo(Command command)
    {
        command.Options.Add(Threads);
        if (Device is not null) command.Options.Add(Device);
    }

    /// <summary>Sets up torch for this process (OpenMP wait policy, threads, device check) and returns the settings.</summary>
    public TorchSettings Configure(ParseResult parse)
    {
        var settings = new TorchSettings(parse.GetValue(Threads), Device is null ? "cpu" : parse.GetValue(Device)!);
        TorchRuntime.Configure(settings.Threads, settings.Device);
        return settings;
    }

    /// <summary><c>--threads</c> of a service command: when given, overrides the service's own thread setting(s) named in <paramref name="defaultText"/>.</summary>
    public static Option<int?> ServiceThreads(string defaultText)
    {
        var threads = new Option<int?>("--threads") { Description = $"Torch intra-op CPU threads (default: {defaultText})" };
        threads.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 1 and var n) r.AddError($"--threads must be at least 1 (got {n}).");
        });
        return threads;
    }
}
