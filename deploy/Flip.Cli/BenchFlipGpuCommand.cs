using Flip.FeatureStore.Errors;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Flip.Trainer;
using Flip.Trainer.Alignment;
using Flip.Trainer.Experiments;
using Spectre.Console;

namespace Flip.Cli;

/// <summary>
/// `flip bench flip-gpu`: FLIP pretraining speed per PLM x batch x precision (<see cref="FlipThroughputBenchmark"/>),
/// side by side with the PyTorch peer's figures of the same machine (<c>--peer</c>, written by deploy/gpu/run.sh).
/// </summary>
internal static class BenchFlipGpuCommand
{
    public static Command Create()
    {
        var dataset = CliOptions.Dataset();
        var path = CliOptions.DatasetPath();
        var limit = CliOptions.Limit("Events read (the first in time order; default 50000: more than 35 batches of 1024 train pairs)", defaultValue: 50_000);
        var plms = new Option<string[]>("--plm")
        {
            Description = "PLMs to measure: tinybert or minilm-l6 (random weights of that shape), default (the pretrained MiniLM-L6, imported on first use) or a Hugging Face BERT folder; repeat or comma-separate (default tinybert,default)",
            AllowMultipleArgumentsPerToken = true,
        };
        var batches = new Option<string[]>("--batch-sizes") { Description = "Batch sizes (default 128,1024)", AllowMultipleArgumentsPerToken = true };
        var precisions = new Option<string[]>("--precision") { Description = "fp32 and/or bf16 (default fp32,bf16)", AllowMultipleArgumentsPerToken = true };
        var sampled = new Option<string[]>("--mlm-sampled") { Description = "MLM decoders: 0 = full softmax over the vocabulary, K = sampled softmax with K drawn words (default 0)", AllowMultipleArgumentsPerToken = true };
        var warmup = new Option<int>("--warmup") { Description = "Untimed steps per case (default 5, as the peer)", DefaultValueFactory = _ => 5 };
        var steps = new Option<int>("--steps") { Description = "Timed steps per case (default 30, as the peer)", DefaultValueFactory = _ => 30 };
        var phaseSteps = new Option<int>("--phase-steps") { Description = "Steps of the phase-timed run per case; 0 skips it (default 10)", DefaultValueFactory = _ => 10 };
        var maxLength = new Option<int>("--max-length") { Description = "Tokens per text (default 100, the peer's)", DefaultValueFactory = _ => 100 };
        var vocab = PairCliOptions.Vocab();
        var peer = new Option<FileInfo?>("--peer") { Description = "The PyTorch peer's output (peer_flip_pretrain.py lines, 'peer-json {...}'), shown next to ours" };
        var output = new Option<FileInfo?>("--out", "-o") { Description = "Write the figures (ours and the peer's) as JSON to this file" };
        var torch = new TorchCliOptions();
        var json = CliOptions.Json();
        var cmd = new Command("flip-gpu", "FLIP pretraining samples/s, GPU memory and time per phase for each PLM x batch x precision, next to the PyTorch peer's");
        foreach (var o in new Option[] { dataset, path, limit, plms, batches, precisions, sampled, warmup, steps, phaseSteps, maxLength, vocab, peer, output, json })
            cmd.Options.Add(o);
        torch.AddTo(cmd);
        cmd.SetAction(parse => Run(torch.Configure(parse), parse.GetValue(dataset)!, parse.GetValue(path)!.FullName, parse.GetValue(limit)!.Value, List(parse.GetValue(plms), "tinybert,default"),
            List(parse.GetValue(batches), "128,1024"), List(parse.GetValue(precisions), "fp32,bf16"), List(parse.GetValue(sampled), "0"), parse.GetValue(warmup), parse.GetValue(steps),
            parse.GetValue(phaseSteps), parse.GetValue(maxLength), parse.GetValue(vocab)!, parse.GetValue(peer), parse.GetValue(output), parse.GetValue(json)));
        return cmd;
    }

    static string[] List(string[]? values, string fallback) =>
        (values is { Length: > 0 } ? values : [fallback]).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();

    static int Run(TorchSettings torch, string datasetName, string path, int limit, string[] plms, string[] batches, string[] precisions, string[] sampled, int warmup, int steps, int phaseSteps,
        int maxLength, string vocab, FileInfo? peerFile, FileInfo? output, bool json)
    {
        var (device, threads) = (torch.Device, torch.Threads);
        var err = CliConsole.Error();
        var batchSizes = batches.Select(b => int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n
            : throw new UserInputException($"--batch-sizes: '{b}' is not a positive number")).ToArray();
        var negatives = sampled.Select(k => int.TryParse(k, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
            : throw new UserInputException($"--mlm-sampled: '{k}' is not a number")).ToArray();
        var bf16 = precisions.Select(p => p.ToLowerInvariant() switch
        {
            "fp32" => false,
            "bf16" => true,
            _ => throw new UserInputException($"--precision: '{p}' is neither fp32 nor bf16"),
        }).ToArray();
        var peer = peerFile is null ? [] : FlipPeerFigures.Parse(File.ReadLines(peerFile.FullName), peerFile.FullName);
        var vocabPath = PairCliOptions.ResolveVocab(vocab);
        var options = new FlipThroughputOptions
        {
            Plms = plms.Select(p => Plm(p, vocabPath)).ToArray(), BatchSizes = batchSizes, Bf16 = bf16, MlmSampledNegatives = negatives, Device = device,
            WarmupSteps = warmup, Steps = steps, PhaseSteps = phaseSteps, MaxLength = maxLength,
        };
        var (schema, events) = DatasetEvents.Read(datasetName, path, limit);
        var result = FlipThroughputBenchmark.Run(schema, events, options, line => err.MarkupLine($"[grey]{Markup.Escape(line)}[/]"));
        var report = new BenchFlipGpuReport("./flip " + string.Join(" ", Environment.GetCommandLineArgs().Skip(1)), DateTime.UtcNow,
            Environment.ProcessorCount, threads, events.Count, result, peer);
        if (output is not null)
        {
            if (output.DirectoryName is { } dir) Directory.CreateDirectory(dir);
            File.WriteAllText(output.FullName, JsonSerializer.Serialize(report, CliOptions.Indented) + "\n");
            err.MarkupLine($"wrote [green]{Markup.Escape(output.FullName)}[/]");
        }
        if (json) Console.WriteLine(JsonSerializer.Serialize(report, CliOptions.Indented));
        else AnsiConsole.Write(Table(report));
        return 0;
    }

    static FlipThroughputPlm Plm(string spec, string vocabPath) => spec.ToLowerInvariant() switch
    {
        "default" => new FlipThroughputPlm("default", new FlipPlmSource(null, vocabPath)),
        "tinybert" or "minilm-l6" or "bert-tiny" or "bert-base" => new FlipThroughputPlm(spec.ToLowerInvariant(), new FlipPlmSource(null, vocabPath, spec)),
        _ when Directory.Exists(spec) => new FlipThroughputPlm(Path.GetFileName(Path.TrimEndingDirectorySeparator(spec)), new FlipPlmSource(Path.GetFullPath(spec), vocabPath)),
        _ => throw new UserInputException($"--plm: '{spec}' is neither tinybert, minilm-l6, default nor a folder"),
    };

    static string Mib(long? bytes) => bytes is { } b ? (b / 1048576.0).ToString("N0", CultureInfo.InvariantCulture) : "-";

    static Table Table(BenchFlipGpuReport r)
    {
        var c = CultureInfo.InvariantCulture;
        var gpu = r.Result.GpuName is { } name ? $" ({name})" : "";
        var table = new Table().Title($"[bold]FLIP pretraining on {Markup.Escape(r.Result.Device + gpu)}: ours vs the PyTorch peer[/]").AddColumn("PLM");
        foreach (var h in new[] { "batch", "prec.", "ours/s", "peer/s", "ratio", "GPU MiB ours/peer", "ms/step data/PLM/heads/bwd/opt" })
            table.AddColumn(new TableColumn(h).RightAligned());
        foreach (var x in r.Result.Rows)
        {
            // The peer has TinyBERT's shape: its figures stand next to the TinyBERT rows only.
            var p = x.Plm == "tinybert" && x.MlmSampledNegatives == 0 ? r.Peer.FirstOrDefault(f => f.Batch == x.BatchSize && f.Precision == x.Precision) : null;
            var phases = x.Error is not null ? $"[red]{Markup.Escape(x.Error)}[/]"
                : string.Join("/", Enum.GetNames<FlipStepPhase>().Select(ph => x.PhaseMillisecondsPerStep.TryGetValue(ph, out var ms) ? ms.ToString("0", c) : "-"));
            table.AddRow(Markup.Escape($"{x.Plm} {x.Shape}{(x.MlmSampledNegatives > 0 ? $" MLM~{x.MlmSampledNegatives}" : "")}"), x.BatchSize.ToString(c), x.Precision, x.SamplesPerSecond.ToString("N0", c),
                p?.SamplesPerSecond.ToString("N0", c) ?? "-",
                p is null || p.SamplesPerSecond == 0 ? "-" : (x.SamplesPerSecond / p.SamplesPerSecond).ToString("0.00", c),
                $"{Mib(x.GpuMemoryUsedBytes)}/{Mib(p?.MaxMemoryReserved)}", phases);
        }
        // Peer runs with no row of ours (e.g. a batch we did not run) still show.
        foreach (var p in r.Peer.Where(p => !r.Result.Rows.Any(x => x.Plm == "tinybert" && x.MlmSampledNegatives == 0 && x.BatchSize == p.Batch && x.Precision == p.Precision)))
            table.AddRow("peer only (4L-312H)", p.Batch.ToString(c), p.Precision, "-", p.SamplesPerSecond.ToString("N0", c), "-", $"-/{Mib(p.MaxMemoryReserved)}", "-");
        return table;
    }
}

/// <summary>The `bench flip-gpu` report (its --out / --json shape).</summary>
internal sealed record BenchFlipGpuReport(string Command, DateTime CreatedUtc, int ProcessorCount, int Threads, int Events,
    FlipThroughputResult Result, IReadOnlyList<FlipPeerFigures> Peer);
