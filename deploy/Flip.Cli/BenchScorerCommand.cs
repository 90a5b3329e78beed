using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Flip.FeatureStore.Errors;
using Flip.Scorer.Bench;
using Spectre.Console;

namespace Flip.Cli;

/// <summary>`flip bench scorer`: open-loop HTTP load against a flip-scorer process (this CLI's `serve`), per rate, plus a run with swaps.</summary>
internal static class BenchScorerCommand
{
    public static Command Create()
    {
        var path = CliOptions.DatasetPath();
        var json = CliOptions.Json();
        var kind = new Option<string>("--kind", "-k") { Description = "dcnv2, flip-id or flip (with the PLM, micro-batched) (default dcnv2)", DefaultValueFactory = _ => "dcnv2" };
        var rates = new Option<string>("--rates") { Description = "Open-loop requests/s, comma-separated (default 500,1000,2000,4000)", DefaultValueFactory = _ => "500,1000,2000,4000" };
        var seconds = new Option<double>("--seconds") { Description = "Seconds per step (default 20)", DefaultValueFactory = _ => 20 };
        var swapRate = new Option<double>("--swap-rate") { Description = "Requests/s of the step with a publish every --swap-every seconds (default 2000)", DefaultValueFactory = _ => 2000 };
        var swapEvery = new Option<double>("--swap-every") { Description = "Seconds between publishes in the swap step (default 5)", DefaultValueFactory = _ => 5 };
        var noFloor = new Option<bool>("--no-floor") { Description = "Skip the constant endpoint (HTTP floor) steps" };
        var plm = new Option<string>("--plm-shape") { Description = "PLM shape for --kind flip: tinybert or bert-tiny (default tinybert)", DefaultValueFactory = _ => "tinybert" };
        var vocab = PairCliOptions.Vocab();
        var batchDelay = new Option<double>("--max-batch-delay-ms") { Description = "Scorer:MaxBatchDelay in ms (default 5)", DefaultValueFactory = _ => 5 };
        var cmd = new Command("scorer", "Open-loop HTTP load on the scoring service (constant endpoint as the HTTP floor, each rate, then a swap every few seconds)");
        foreach (var o in new Option[] { path, kind, rates, seconds, swapRate, swapEvery, noFloor, plm, vocab, batchDelay, json }) cmd.Options.Add(o);
        cmd.SetAction(async (parse, ct) =>
        {
            var console = CliConsole.Error();
            var options = new ScorerBenchOptions
            {
                Kind = parse.GetValue(kind)!,
                DataPath = parse.GetValue(path)!.FullName,
                Rates = parse.GetValue(rates)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && r > 0 ? r : throw new UserInputException($"Bad rate '{s}' in --rates.")).ToArray(),
                StepDuration = TimeSpan.FromSeconds(parse.GetValue(seconds)),
                SwapRate = parse.GetValue(swapRate),
                SwapEvery = TimeSpan.FromSeconds(parse.GetValue(swapEvery)),
                ConstantFloor = !parse.GetValue(noFloor),
                PlmShape = parse.GetValue(plm)!,
                VocabPath = PairCliOptions.ResolveVocab(parse.GetValue(vocab)!),
                MaxBatchDelay = TimeSpan.FromMilliseconds(parse.GetValue(batchDelay)),
                // The server is this CLI's own `serve` command, in its own process.
                ServerFileName = Environment.ProcessPath!,
                ServerArguments = Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet"
                    ? [typeof(BenchScorerCommand).Assembly.Location, "serve"] : ["serve"],
            };
            var report = await new ScorerBenchmark(options).RunAsync(m => console.MarkupLine($"[grey]{Markup.Escape(m)}[/]"), ct);
            if (parse.GetValue(json))
            {
                // NaN marks a figure a step does not have (no forward passes behind the constant endpoint).
                Console.WriteLine(JsonSerializer.Serialize(report, new JsonSerializerOptions(CliOptions.Indented) { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
                return 0;
            }
            var c = CultureInfo.InvariantCulture;
            var table = new Table().Title($"[bold]{Markup.Escape(report.ModelDescription)}[/]").AddColumn("target");
            foreach (var h in new[] { "rate/s", "achieved/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors", "generator cores", "server cores" })
                table.AddColumn(new TableColumn(h).RightAligned());
            foreach (var s in report.Steps)
                table.AddRow(Markup.Escape(s.Target), s.TargetRate.ToString("F0", c), s.AchievedRate.ToString("F0", c), s.P50.ToString("F2", c), s.P95.ToString("F2", c),
                    s.P99.ToString("F2", c), s.Max.ToString("F1", c), s.Errors.ToString(c), s.GeneratorCores.ToString("F2", c), s.ServerCores.ToString("F2", c));
            AnsiConsole.Write(table);
            var last = report.Steps[^1];
            AnsiConsole.MarkupLine($"{report.ProcessorCount} cores, load average {report.LoadAverageBefore.ToString("F2", c)} before the run; {report.Publishes} publishes in the swap step, answers by version: " +
                Markup.Escape(string.Join(", ", last.Versions.OrderBy(v => v.Key).Select(v => $"{v.Key}: {v.Value}"))));
            return 0;
        });
        return cmd;
    }
}
