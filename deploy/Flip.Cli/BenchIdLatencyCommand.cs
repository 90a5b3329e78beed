using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Flip.FeatureStore.Errors;
using Flip.FeatureStore.Store;
using Flip.FeatureStore.Vocabulary;
using Flip.Trainer.IdModels;
using Flip.Trainer.Training;
using Spectre.Console;

namespace Flip.Cli;

/// <summary>`flip bench id-latency`: CPU inference latency per batch size and training throughput of one ID model.</summary>
internal static class BenchIdLatencyCommand
{
    public static Command Create()
    {
        var dataset = CliOptions.Dataset();
        var path = CliOptions.DatasetPath();
        var json = CliOptions.Json();
        var model = new Option<string>("--model", "-m") { Description = "Model (default dcnv2)", DefaultValueFactory = _ => "dcnv2" };
        var batches = new Option<string>("--batch-sizes") { Description = "Inference batch sizes, comma-separated (default 1,256)", DefaultValueFactory = _ => "1,256" };
        var iterations = new Option<int>("--iterations") { Description = "Timed inference calls per batch size (default 300)", DefaultValueFactory = _ => 300 };
        var trainBatch = new Option<int>("--train-batch-size") { Description = "Batch size of the training-throughput measurement (default 1024)", DefaultValueFactory = _ => 1024 };
        var trainSteps = new Option<int>("--train-steps") { Description = "Timed training steps (default 100)", DefaultValueFactory = _ => 100 };
        var torch = new TorchCliOptions(deviceDefault: null);
        var cmd = new Command("id-latency", "Measure an ID model's CPU inference latency (batch 1 and 256 by default) and training samples/s on real samples");
        foreach (var o in new Option[] { dataset, path, model, batches, iterations, trainBatch, trainSteps, json }) cmd.Options.Add(o);
        torch.AddTo(cmd);
        cmd.SetAction(parse => Run(parse, torch, parse.GetValue(dataset)!, parse.GetValue(path)!, parse.GetValue(model)!, parse.GetValue(batches)!,
            parse.GetValue(iterations), parse.GetValue(trainBatch), parse.GetValue(trainSteps), parse.GetValue(json)));
        return cmd;
    }

    private static int Run(ParseResult parse, TorchCliOptions torch, string dataset, DirectoryInfo path, string modelName, string batchList, int iterations, int trainBatch, int trainSteps, bool asJson)
    {
        var console = CliConsole.Error();
        var sizes = batchList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var b) && b > 0 ? b : throw new UserInputException($"Bad batch size '{s}' in --batch-sizes."))
            .ToArray();
        if (iterations < 1 || trainSteps < 1 || trainBatch < 1) throw new UserInputException("--iterations, --train-steps and --train-batch-size must be at least 1.");
        int threads = torch.Configure(parse).Threads;
        var (schema, events) = console.Status().Start($"Reading {Markup.Escape(dataset)}...", _ => DatasetEvents.Read(dataset, path.FullName, limit: null));
        var options = new IdTrainingOptions { Threads = threads };
        var split = ChronologicalSplit.Of(events.Count, options.TestFraction, options.ValidationFraction);
        var vocabulary = FeatureVocabulary.Build(schema, events.Take(split.TrainAllCount));
        var (train, _, test) = split.Apply(EncodedDataset.Encode(events, vocabulary));
        IdModelTrainer.PrepareTorch(options);
        using var model = CtrModelFactory.Create(modelName, vocabulary.Count, schema.FieldCount);
        var latencies = console.Status().Start("Measuring inference latency...", _ =>
            sizes.Select(b => IdModelBenchmark.MeasureInference(model, test, b, iterations)).ToList());
        double trainRate = console.Status().Start($"Measuring training throughput at batch {trainBatch}...", _ =>
            IdModelBenchmark.MeasureTraining(model, train, trainBatch, trainSteps));
        var report = new IdLatencyReport(model.ModelName, dataset, threads, model.ParameterCount(), trainBatch, trainSteps, trainRate, latencies,
            "./flip " + string.Join(" ", Environment.GetCommandLineArgs().Skip(1)));
        if (asJson)
        {
            Console.WriteLine(JsonSerializer.Serialize(report, CliOptions.Indented));
            return 0;
        }
        var c = CultureInfo.InvariantCulture;
        var table = new Table().Title($"[bold]{Markup.Escape(report.Model)} on {Markup.Escape(dataset)}, {threads} torch threads[/]").AddColumn("batch");
        foreach (var h in new[] { "mean ms", "p50 ms", "p95 ms", "p99 ms", "samples/s" }) table.AddColumn(new TableColumn(h).RightAligned());
        foreach (var l in latencies)
            table.AddRow(l.BatchSize.ToString(c), l.MeanMs.ToString("F3", c), l.P50Ms.ToString("F3", c), l.P95Ms.ToString("F3", c), l.P99Ms.ToString("F3", c), l.SamplesPerSecond.ToString("N0", c));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"training (forward + backward + Adam) at batch {trainBatch}: [bold]{trainRate.ToString("N0", c)}[/] samples/s over {trainSteps} steps; {report.Parameters.ToString("N0", c)} parameters");
        return 0;
    }
}

/// <summary>JSON shape of `bench id-latency`.</summary>
internal sealed record IdLatencyReport(string Model, string Dataset, int Threads, long Parameters, int TrainBatch, int TrainSteps,
    double TrainSamplesPerSecond, IReadOnlyList<LatencyMeasurement> Inference, string Command);
