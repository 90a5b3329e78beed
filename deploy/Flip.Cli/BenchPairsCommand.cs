using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Flip.FeatureStore.Errors;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Readers;
using Flip.FeatureStore.Schema;
using Flip.FeatureStore.Text;
using Flip.FeatureStore.Vocabulary;
using Spectre.Console;

namespace Flip.Cli;

/// <summary>
/// `flip bench pairs`: times building text-tabular pairs for every sample of a dataset in trainer-sized batches,
/// with a cold token cache (first pass), a warm one, one thread, and no cache at all.
/// </summary>
internal static class BenchPairsCommand
{
    public static Command Create()
    {
        var dataset = CliOptions.Dataset();
        var path = CliOptions.DatasetPath();
        var json = CliOptions.Json();
        var maxLength = PairCliOptions.MaxLength();
        var vocab = PairCliOptions.Vocab();
        var batchSize = CliOptions.BatchSize(4096, "Rows per BuildBatch call, as the trainer would ask for them");
        var repeat = new Option<int>("--repeat")
        {
            Description = "Warm passes to time (the best is reported)",
            DefaultValueFactory = _ => 3,
        };
        var cmd = new Command("pairs", "Time building text-tabular pairs for all samples (cold vs warm token cache, rows/s)");
        cmd.Options.Add(dataset);
        cmd.Options.Add(path);
        cmd.Options.Add(maxLength);
        cmd.Options.Add(vocab);
        cmd.Options.Add(batchSize);
        cmd.Options.Add(repeat);
        cmd.Options.Add(json);
        cmd.SetAction(parse => Run(parse.GetValue(dataset)!, parse.GetValue(path)!, parse.GetValue(maxLength),
            parse.GetValue(vocab)!, parse.GetValue(batchSize), parse.GetValue(repeat), parse.GetValue(json)));
        return cmd;
    }

    private sealed record Pass(string Name, double Seconds, double RowsPerSecond, long TokenizerCalls);

    private sealed record Result(
        string Dataset, int Samples, int Fields, int MaxLength, int BatchSize, int Cores,
        double ReadSeconds, double VocabularySeconds, double TokenizerLoadSeconds,
        Pass[] Passes, int LongestText, double MeanTextLength, int TruncatedRows, int CachedValues);

    private static int Run(string dataset, DirectoryInfo path, int maxLength, string vocabPath, int batchSize, int repeat, bool asJson)
    {
        var err = CliConsole.Error();
        if (repeat < 1) throw new UserInputException("--repeat must be at least 1.");
        var result = err.Status().Start("Reading...", ctx => Measure(dataset, path, maxLength, vocabPath, batchSize, repeat, s => ctx.Status(s)));

        if (asJson)
        {
            Console.WriteLine(JsonSerializer.Serialize(result, CliOptions.Indented));
            return 0;
        }
        Print(result);
        return 0;
    }

    private static Result Measure(string dataset, DirectoryInfo path, int maxLength, string vocabPath, int batchSize, int repeat, Action<string> status)
    {
        var sw = Stopwatch.StartNew();
        var reader = DatasetCatalog.Open(dataset, path.FullName);
        var events = reader.ReadEvents().ToList();
        double read = sw.Elapsed.TotalSeconds;

        status("Building the feature vocabulary...");
        sw.Restart();
        var vocabulary = FeatureVocabulary.Build(reader.Schema, events);
        double vocab = sw.Elapsed.TotalSeconds;

        status("Loading the BERT vocabulary...");
        sw.Restart();
        var tokenizer = BertWordPieceTokenizer.Load(PairCliOptions.ResolveVocab(vocabPath));
        double load = sw.Elapsed.TotalSeconds;

        TextTabularPairBuilder NewBuilder(int threads, int cacheCapacity) => new(reader.Schema, vocabulary, tokenizer,
            new TextPairOptions { MaxLength = maxLength, MaxDegreeOfParallelism = threads, CacheCapacityPerField = cacheCapacity });

        var passes = new List<Pass>();
        var builder = NewBuilder(0, new TextPairOptions().CacheCapacityPerField);
        status("Cold cache pass...");
        passes.Add(Time("cold cache, all cores", builder, events, batchSize, out var stats));
        status("Warm cache passes...");
        passes.Add(Best(repeat, () => Time("warm cache, all cores", builder, events, batchSize, out _)));

        var single = NewBuilder(1, new TextPairOptions().CacheCapacityPerField);
        status("One-thread passes...");
        passes.Add(Time("cold cache, 1 thread", single, events, batchSize, out _));
        passes.Add(Best(repeat, () => Time("warm cache, 1 thread", single, events, batchSize, out _)));

        status("No-cache pass...");
        passes.Add(Time("no cache, all cores", NewBuilder(0, 0), events, batchSize, out _));

        int cached = Enumerable.Range(0, reader.Schema.FieldCount).Sum(builder.Cache.CountOf);
        return new Result(reader.Schema.Name, events.Count, reader.Schema.FieldCount, maxLength, batchSize, Environment.ProcessorCount,
            read, vocab, load, [.. passes], stats.Longest, stats.MeanLength, stats.TruncatedRows, cached);
    }

    private static Pass Best(int repeat, Func<Pass> pass) =>
        Enumerable.Range(0, repeat).Select(_ => pass()).MinBy(p => p.Seconds)!;

    private readonly record struct LengthStats(int Longest, double MeanLength, int TruncatedRows);

    /// <summary>Builds every row once in batches; the length statistics are gathered outside the timed part.</summary>
    private static Pass Time(string name, TextTabularPairBuilder builder, List<ClickEvent> events, int batchSize, out LengthStats stats)
    {
        long missesBefore = builder.Cache.Misses;
        var batches = new List<PairBatch>();
        double seconds = 0;
        int longest = 0, truncated = 0;
        long totalLength = 0;
        for (int start = 0; start < events.Count; start += batchSize)
        {
            var sw = Stopwatch.StartNew();
            var batch = builder.BuildBatch(events, start, Math.Min(batchSize, events.Count - start));
            seconds += sw.Elapsed.TotalSeconds;
            truncated += batch.TruncatedRows;
            for (int r = 0; r < batch.Count; r++)
            {
                int length = batch.AttentionMask.AsSpan(r * batch.SequenceLength, batch.SequenceLength).Count(true);
                totalLength += length;
                longest = Math.Max(longest, length);
            }
        }
        stats = new LengthStats(longest, (double)totalLength / events.Count, truncated);
        return new Pass(name, seconds, events.Count / seconds, builder.Cache.Misses - missesBefore);
    }

    private static void Print(Result r)
    {
        var c = CultureInfo.InvariantCulture;
        var table = new Table().Title($"[bold]text-tabular pairs: {Markup.Escape(r.Dataset)}[/]")
            .AddColumn("pass").AddColumn(new TableColumn("seconds").RightAligned())
            .AddColumn(new TableColumn("rows/s").RightAligned()).AddColumn(new TableColumn("tokenizer calls").RightAligned());
        foreach (var p in r.Passes)
            table.AddRow(p.Name, p.Seconds.ToString("0.000", c), p.RowsPerSecond.ToString("N0", c), p.TokenizerCalls.ToString("N0", c));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"samples {r.Samples.ToString("N0", c)}, fields {r.Fields}, max length {r.MaxLength}, batch {r.BatchSize}, cores {r.Cores}");
        AnsiConsole.MarkupLine($"text length: longest {r.LongestText}, mean {r.MeanTextLength.ToString("0.0", c)} tokens; rows truncated {r.TruncatedRows.ToString("N0", c)}; cached values {r.CachedValues.ToString("N0", c)}");
        AnsiConsole.MarkupLine($"setup: read {r.ReadSeconds.ToString("0.00", c)} s, feature vocabulary {r.VocabularySeconds.ToString("0.00", c)} s, BERT vocabulary {r.TokenizerLoadSeconds.ToString("0.00", c)} s");
    }
}
