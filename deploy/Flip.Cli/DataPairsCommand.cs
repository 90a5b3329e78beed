using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Readers;
using Flip.FeatureStore.Text;
using Flip.FeatureStore.Vocabulary;
using Spectre.Console;

namespace Flip.Cli;

/// <summary>`flip data pairs`: shows the text-tabular pairs of a dataset's first rows (text, tokens, value spans, feature ids, label).</summary>
internal static class DataPairsCommand
{
    public static Command Create()
    {
        var dataset = CliOptions.Dataset();
        var path = CliOptions.DatasetPath();
        var json = CliOptions.Json();
        var limit = CliOptions.Limit("Rows to show, from the first in chronological order (default 3)", defaultValue: 3);
        var maxLength = PairCliOptions.MaxLength();
        var vocab = PairCliOptions.Vocab();
        var cmd = new Command("pairs", "Show the text-tabular pairs (paper template, BERT tokens, value spans, feature ids) of the first rows");
        cmd.Options.Add(dataset);
        cmd.Options.Add(path);
        cmd.Options.Add(limit);
        cmd.Options.Add(json);
        cmd.Options.Add(maxLength);
        cmd.Options.Add(vocab);
        cmd.SetAction(parse => Run(parse.GetValue(dataset)!, parse.GetValue(path)!, parse.GetValue(limit),
            parse.GetValue(json), parse.GetValue(maxLength), parse.GetValue(vocab)!));
        return cmd;
    }

    private static int Run(string dataset, DirectoryInfo path, int? limit, bool asJson, int maxLength, string vocabPath)
    {
        var err = CliConsole.Error();
        var tokenizer = BertWordPieceTokenizer.Load(PairCliOptions.ResolveVocab(vocabPath)); // a missing file fails before the dataset is read
        var reader = DatasetCatalog.Open(dataset, path.FullName);
        var sw = Stopwatch.StartNew();
        var events = err.Status().Start($"Reading {Markup.Escape(dataset)}...", _ => reader.ReadEvents().ToList());
        // Feature ids come from a vocabulary over the whole dataset, as training would build it.
        var vocabulary = FeatureVocabulary.Build(reader.Schema, events);
        var builder = new TextTabularPairBuilder(reader.Schema, vocabulary, tokenizer, new TextPairOptions { MaxLength = maxLength });
        var views = events.Take(limit ?? events.Count).Select(e => PairView.Of(builder, e)).ToList();
        err.MarkupLine($"[grey]{events.Count:N0} events read and {vocabulary.Count:N0} feature ids built in {sw.Elapsed.TotalSeconds:0.0} s; max length {maxLength}.[/]");

        if (asJson)
        {
            Console.WriteLine(JsonSerializer.Serialize(views, CliOptions.Indented));
            return 0;
        }
        foreach (var v in views) Print(v);
        return 0;
    }

    private static void Print(PairView v)
    {
        var c = CultureInfo.InvariantCulture;
        AnsiConsole.Write(new Rule($"[bold]{Markup.Escape(v.Id)}[/]  label {v.Label}  {v.Time.ToString("u", c)}").LeftJustified());
        AnsiConsole.MarkupLine($"[bold]text[/]    {Markup.Escape(v.Text)}");
        AnsiConsole.MarkupLine($"[bold]tokens[/]  {v.Length} of {v.MaxLength} ({v.TruncatedFields} trailing field(s) truncated)");
        AnsiConsole.WriteLine("        " + string.Join(' ', v.Tokens));
        var table = new Table()
            .AddColumn("field").AddColumn("value").AddColumn(new TableColumn("span").RightAligned())
            .AddColumn("value tokens").AddColumn(new TableColumn("feature id").RightAligned());
        foreach (var f in v.Fields)
        {
            string span = f.SpanLength > 0 ? $"[[{f.SpanStart}, {f.SpanStart + f.SpanLength})" : "[yellow]truncated[/]";
            table.AddRow(Markup.Escape(f.Name), Markup.Escape(f.Value), span, Markup.Escape(string.Join(' ', f.Tokens)), f.FeatureId.ToString(c));
        }
        AnsiConsole.Write(table);
    }

    private sealed record FieldView(string Name, string Value, int SpanStart, int SpanLength, string[] Tokens, int FeatureId);

    private sealed record PairView(
        string Id, DateTime Time, int Label, string Text, int MaxLength, int Length, int TruncatedFields,
        string[] Tokens, int[] TokenIds, FieldView[] Fields)
    {
        public static PairView Of(TextTabularPairBuilder b, ClickEvent e)
        {
            var p = b.Build(e);
            int length = p.AttentionMask.Count(m => m == 1);
            string[] Strings(IEnumerable<int> ids) => ids.Select(b.Tokenizer.TokenOf).ToArray();
            var fields = b.Schema.Fields.Select((f, i) => new FieldView(
                f.Name, e.Values[i], p.ValueSpans[i].Start, p.ValueSpans[i].Length,
                Strings(p.TokenIds.Skip(p.ValueSpans[i].Start).Take(p.ValueSpans[i].Length)), p.FeatureIds[i])).ToArray();
            return new PairView(e.Id, e.EventTime, p.Label, b.Text(e).TrimEnd(), b.MaxLength, length, p.TruncatedFields,
                Strings(p.TokenIds.Take(length)), p.TokenIds[..length], fields);
        }
    }
}
