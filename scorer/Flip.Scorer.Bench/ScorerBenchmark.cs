using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Readers;
using Flip.FeatureStore.Text;
using Flip.FeatureStore.Vocabulary;
using Flip.Registry;
using Flip.Trainer.Alignment;
using Flip.Trainer.Checkpoints;
using Flip.Trainer.IdModels;
using Flip.Trainer.Plm;
using Flip.Trainer.Training;

namespace Flip.Scorer.Bench;

/// <summary>A whole `flip bench scorer` run: the model published, the server's settings and every step's figures.</summary>
public sealed record ScorerBenchReport(string Kind, string ModelDescription, int ProcessorCount, double LoadAverageBefore, IReadOnlyList<LoadResult> Steps, int Publishes);

/// <summary>
/// Runs the scorer benchmark: trains (ID) or builds (FLIP) a model on MovieLens-1M, publishes it to a fresh registry,
/// starts a scorer process on a loopback port (Kafka off, constant endpoint on), then drives open-loop load at each rate
/// against the constant endpoint (the HTTP floor) and <c>/v1/score</c>, and once more while a new version is published
/// every few seconds. The load generator runs in this process, so its CPU is measured apart from the server's.
/// </summary>
public sealed class ScorerBenchmark(ScorerBenchOptions options)
{
    public async Task<ScorerBenchReport> RunAsync(Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        progress ??= _ => { };
        // The generator's completions run on the thread pool; a pool of 2 (the core count) grows only slowly under bursts.
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(io, 32));
        var root = Path.Combine(Path.GetTempPath(), $"flip-bench-scorer-{Guid.NewGuid():N}");
        var registry = new ModelRegistry(root);
        double load = LoadAverage();
        progress($"reading MovieLens-1M from {options.DataPath}");
        var events = new MovieLens1MReader(options.DataPath).ReadEvents().Take(Math.Max(options.TrainEvents, 5_000)).ToList();
        var (description, publish) = PrepareModel(events, progress);
        publish(registry);
        var bodies = events.Take(5_000).Select(e => Body(e)).ToList();

        int port = FreePort();
        using var server = StartServer(root, port);
        try
        {
            using var handler = new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5), MaxConnectionsPerServer = 512 };
            using var client = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            await WaitReadyAsync(client, server, cancellationToken);
            var generator = new OpenLoopLoad(client);
            double ServerCpu()
            {
                server.Refresh();
                return server.TotalProcessorTime.TotalSeconds;
            }

            progress($"warming up for {options.Warmup.TotalSeconds:F0} s");
            await generator.RunAsync("warm-up", "/v1/score", bodies, options.Rates[0], options.Warmup, null, cancellationToken);
            var steps = new List<LoadResult>();
            foreach (var rate in options.Rates)
            {
                if (options.ConstantFloor)
                {
                    progress($"constant endpoint at {rate:F0} requests/s for {options.StepDuration.TotalSeconds:F0} s");
                    steps.Add(await generator.RunAsync("constant", "/bench/constant", bodies, rate, options.StepDuration, ServerCpu, cancellationToken));
                }
                progress($"{options.Kind} at {rate:F0} requests/s for {options.StepDuration.TotalSeconds:F0} s");
                steps.Add(await WithServerFigures(client, () => generator.RunAsync(options.Kind, "/v1/score", bodies, rate, options.StepDuration, ServerCpu, cancellationToken)));
            }

            progress($"{options.Kind} at {options.SwapRate:F0} requests/s, publishing a new version every {options.SwapEvery.TotalSeconds:F0} s");
            // Publishing (hashing, fsync) runs on a thread of its own: on the thread pool it would hold up the
            // generator's own continuations and the measured latency would be the generator's.
            int publishes = 0;
            using var stopSwaps = new ManualResetEventSlim();
            var swaps = new Thread(() =>
            {
                while (!stopSwaps.Wait(options.SwapEvery))
                {
                    publish(registry);
                    Interlocked.Increment(ref publishes);
                }
            }) { IsBackground = true, Name = "flip-bench-publisher" };
            swaps.Start();
            var swapStep = await WithServerFigures(client, () => generator.RunAsync($"{options.Kind} + swap every {options.SwapEvery.TotalSeconds:F0} s", "/v1/score", bodies, options.SwapRate,
                options.StepDuration, ServerCpu, cancellationToken));
            stopSwaps.Set();
            swaps.Join();
            steps.Add(swapStep);
            return new ScorerBenchReport(options.Kind, description, Environment.ProcessorCount, load, steps, publishes);
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
                server.WaitForExit(10_000);
            }
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private (string Description, Action<ModelRegistry> Publish) PrepareModel(List<ClickEvent> events, Action<string> progress)
    {
        var schema = MovieLens1MReader.Schema;
        var train = events.Take(options.TrainEvents).ToList();
        var vocabulary = FeatureVocabulary.Build(schema, events);
        var training = new IdTrainingOptions { Threads = 1, MaxEpochs = 1, Patience = 1, Seed = 7 };
        IdModelTrainer.PrepareTorch(training);
        var model = CtrModelFactory.Create("dcnv2", vocabulary.Count, schema.FieldCount, new IdModelOptions());
        progress($"training DCNv2 (default shape) one epoch on {train.Count:N0} MovieLens-1M events");
        var samples = EncodedDataset.Encode(train, vocabulary);
        new IdModelTrainer(training).Train(model, samples, samples.Slice(0, Math.Min(2_000, samples.Count)));
        model.eval();
        string idDescription = $"DCNv2 (embedding 32, MLP 300-300-128, 2 cross layers), {vocabulary.Count:N0} ids, trained 1 epoch on {train.Count:N0} events";
        ModelManifest Manifest(string kind) => new() { ModelName = $"bench-{kind}", Kind = kind, Dataset = schema.Name, VocabularyVersion = vocabulary.Version };

        switch (options.Kind)
        {
            case "dcnv2":
                return (idDescription, r => r.Publish(Manifest("dcnv2"), staging => IdCheckpoint.Save(staging, model, vocabulary)));
            case ModelKinds.FlipId:
            case ModelKinds.Flip:
            {
                var plm = BertCheckpoint.CreateDefault(options.VocabPath ?? throw new ArgumentException("ScorerBenchOptions.VocabPath is required for kind flip.", nameof(options)), shape: BertConfig.Shape(options.PlmShape));
                var flip = new FlipFinetuneModel(plm.Model, new CtrModelIdEncoder(model), FlipFinetuneMode.Flip);
                flip.eval();
                string kind = options.Kind;
                string description = kind == ModelKinds.FlipId
                    ? $"FLIP checkpoint served as FLIP_ID (the ID side only): {idDescription}"
                    : $"FLIP: {idDescription} + {options.PlmShape} PLM ({plm.Config.NumHiddenLayers} layers, hidden {plm.Config.HiddenSize}, random weights: latency only), micro-batched (delay {options.MaxBatchDelay.TotalMilliseconds} ms, size {options.MaxBatchSize})";
                return (description, r => r.Publish(Manifest(kind) with { Plm = new PlmIdentity(options.PlmShape, plm.Config.NumHiddenLayers, "") },
                    staging => FlipCheckpoint.SaveFinetuned(staging, flip, plm.Vocabulary, vocabulary, new FlipCheckpointManifest { Dataset = schema.Name, PlmSource = plm.Source })));
            }
            default:
                throw new ArgumentException($"Unknown kind '{options.Kind}' for the scorer benchmark (dcnv2, flip-id, flip).");
        }
    }

    private static async Task<LoadResult> WithServerFigures(HttpClient client, Func<Task<LoadResult>> step)
    {
        var before = await ServerSums(client);
        var result = await step();
        var after = await ServerSums(client);
        double Delta(string name) => after.GetValueOrDefault(name) - before.GetValueOrDefault(name);
        double forwards = Delta("flip_scorer_forward_seconds_count");
        return result with
        {
            MeanBatch = Delta("flip_scorer_batch_size_sum") / Delta("flip_scorer_batch_size_count"),
            MeanForwardMs = 1000 * Delta("flip_scorer_forward_seconds_sum") / forwards,
            MeanQueueMs = 1000 * Delta("flip_scorer_queue_seconds_sum") / Delta("flip_scorer_queue_seconds_count"),
        };
    }

    private static async Task<Dictionary<string, double>> ServerSums(HttpClient client)
    {
        var sums = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in (await client.GetStringAsync("/metrics")).Split('\n'))
        {
            if (!line.StartsWith("flip_scorer_", StringComparison.Ordinal)) continue;
            var parts = line.Split(' ');
            if (parts.Length == 2 && (parts[0].EndsWith("_sum", StringComparison.Ordinal) || parts[0].EndsWith("_count", StringComparison.Ordinal))
                && double.TryParse(parts[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v))
                sums[parts[0]] = v;
        }
        return sums;
    }

    private static byte[] Body(ClickEvent e)
    {
        var schema = MovieLens1MReader.Schema;
        using var stream = new MemoryStream();
        using (var json = new System.Text.Json.Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("id", e.Id);
            json.WriteString("time", e.EventTime);
            json.WriteStartObject("fields");
            for (int i = 0; i < schema.FieldCount; i++) json.WriteString(schema.Fields[i].Name, e.Values[i]);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return stream.ToArray();
    }

    private Process StartServer(string registry, int port)
    {
        var info = new ProcessStartInfo(options.ServerFileName) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in options.ServerArguments) info.ArgumentList.Add(a);
        var settings = new Dictionary<string, string>
        {
            ["Scorer__Registry"] = registry,
            ["Scorer__Urls"] = $"http://127.0.0.1:{port}",
            ["Scorer__Kafka"] = "false",
            ["Scorer__ConstantEndpoint"] = "true",
            ["Scorer__PollInterval"] = "00:00:00.250",
            ["Scorer__MaxBatchDelay"] = options.MaxBatchDelay.ToString("c"),
            ["Scorer__MaxBatchSize"] = options.MaxBatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (k, v) in settings) info.Environment[k] = v;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {options.ServerFileName}.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitReadyAsync(HttpClient client, Process server, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (DateTime.UtcNow < deadline)
        {
            if (server.HasExited) throw new InvalidOperationException($"The scorer process exited with code {server.ExitCode} before it was ready.");
            try
            {
                using var response = await client.GetAsync("/readyz", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(200, cancellationToken);
        }
        throw new TimeoutException("The scorer process was not ready within 3 minutes.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static double LoadAverage()
    {
        try { return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { return double.NaN; }
    }
}
