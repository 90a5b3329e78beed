using System.Numerics;
using System.Runtime.ExceptionServices;
using System.Text;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;
using Flip.FeatureStore.Vocabulary;

namespace Flip.FeatureStore.Text;

/// <summary>
/// Turns click rows into the paper's text-tabular pairs. The text is "&lt;field&gt; is &lt;value&gt;. " per field in
/// schema order, tokenized as [CLS] text [SEP] and padded to <see cref="TextPairOptions.MaxLength"/>; the tabular
/// side is the <see cref="FeatureVocabulary"/> id of every value. Each piece ("&lt;field&gt; is", the value, ".") is
/// tokenized on its own and concatenated: BERT splits on whitespace and punctuation, so this equals tokenizing the
/// whole text, and it yields each value's exact token span for field-level masking. Values' tokens are cached.
/// Thread-safe for building, provided the vocabulary is not being grown at the same time.
/// </summary>
public sealed class TextTabularPairBuilder
{
    private readonly int[][] _prefixTokens;
    private readonly int _periodToken;
    private readonly int _cls, _sep, _pad;

    /// <summary>Loads the tokenizer from <see cref="TextPairOptions.VocabPath"/>, which must be set.</summary>
    public TextTabularPairBuilder(DatasetSchema schema, FeatureVocabulary vocabulary, TextPairOptions options)
        : this(schema, vocabulary, BertWordPieceTokenizer.Load(options.VocabPath
            ?? throw new ArgumentException("TextPairOptions.VocabPath must name the WordPiece vocabulary (or pass a loaded tokenizer).", nameof(options))), options)
    {
    }

    /// <summary>Shares an already loaded tokenizer (it is thread-safe and 30K entries large).</summary>
    public TextTabularPairBuilder(DatasetSchema schema, FeatureVocabulary vocabulary, BertWordPieceTokenizer tokenizer, TextPairOptions? options = null)
    {
        Options = options ?? new TextPairOptions();
        Options.Validate();
        if (!ReferenceEquals(vocabulary.Schema, schema) && !vocabulary.Schema.FieldNames.SequenceEqual(schema.FieldNames))
            throw new ArgumentException($"The vocabulary was built for fields [{string.Join(", ", vocabulary.Schema.FieldNames)}], not [{string.Join(", ", schema.FieldNames)}].", nameof(vocabulary));
        Schema = schema;
        Vocabulary = vocabulary;
        Tokenizer = tokenizer;
        Cache = new FieldTokenCache(tokenizer, schema.FieldCount, Options.CacheCapacityPerField);
        _prefixTokens = schema.Fields.Select(f => tokenizer.Encode(f.TextName + " is")).ToArray();
        var period = tokenizer.Encode(".");
        if (period.Length != 1) throw new InvalidOperationException($"The vocabulary tokenizes \".\" into {period.Length} tokens; expected one.");
        _periodToken = period[0];
        _cls = tokenizer.ClassificationTokenId;
        _sep = tokenizer.SeparatorTokenId;
        _pad = tokenizer.PaddingTokenId;
    }

    public DatasetSchema Schema { get; }
    public FeatureVocabulary Vocabulary { get; }
    public BertWordPieceTokenizer Tokenizer { get; }
    public TextPairOptions Options { get; }

    /// <summary>Tokens of every value seen so far, per field.</summary>
    public FieldTokenCache Cache { get; }

    /// <summary>Tokens per text (L), [CLS] and [SEP] included.</summary>
    public int MaxLength => Options.MaxLength;

    /// <summary>The full text of a row, "&lt;field&gt; is &lt;value&gt;. " per field (before any truncation).</summary>
    public string Text(ClickEvent e)
    {
        CheckShape(e);
        var sb = new StringBuilder();
        for (int f = 0; f < Schema.FieldCount; f++)
            sb.Append(Schema.Fields[f].TextName).Append(" is ").Append(e.Values[f]).Append(". ");
        return sb.ToString();
    }

    /// <summary>Tokens of "&lt;field&gt; is" for a field (what precedes its value).</summary>
    public ReadOnlySpan<int> PrefixTokens(int field) => _prefixTokens[field];

    /// <summary>The pair of one row.</summary>
    /// <exception cref="TextTooLongException">Not even the first field fits in <see cref="MaxLength"/>.</exception>
    public TextTabularPair Build(ClickEvent e)
    {
        CheckShape(e);
        int f = Schema.FieldCount;
        var values = new int[f][];
        var starts = new int[f];
        var lengths = new int[f];
        int length = Layout(e, values, starts, lengths, out int included);
        var tokens = new int[MaxLength];
        WriteTokens<int>(values, included, length, tokens);
        var mask = new byte[MaxLength];
        mask.AsSpan(0, length).Fill(1);
        var spans = new FieldSpan[f];
        var ids = new int[f];
        for (int j = 0; j < f; j++)
        {
            spans[j] = new FieldSpan(starts[j], lengths[j]);
            ids[j] = Vocabulary.Lookup(j, e.Values[j]);
        }
        return new TextTabularPair(tokens, mask, spans, ids, f - included, e.Label);
    }

    /// <summary>Pairs of all events as flat arrays.</summary>
    public PairBatch BuildBatch(IReadOnlyList<ClickEvent> events) => BuildBatch(events, 0, events.Count);

    /// <summary>Pairs of events[start .. start+count) as flat arrays; large batches are built in parallel chunks.</summary>
    /// <exception cref="TextTooLongException">Not even the first field of some row fits in <see cref="MaxLength"/>.</exception>
    public PairBatch BuildBatch(IReadOnlyList<ClickEvent> events, int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (start + count > events.Count) throw new ArgumentOutOfRangeException(nameof(count), $"Rows {start}..{start + count} exceed the {events.Count} events.");
        var batch = new PairBatch(count, MaxLength, Schema.FieldCount);
        int chunk = Options.ParallelChunkRows;
        int chunks = (count + chunk - 1) / chunk;
        if (chunks < 2)
        {
            BuildRows(events, start, batch, 0, count);
            return batch;
        }
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Options.MaxDegreeOfParallelism == 0 ? -1 : Options.MaxDegreeOfParallelism };
        try
        {
            Parallel.For(0, chunks, parallel, c =>
            {
                int first = c * chunk;
                BuildRows(events, start, batch, first, Math.Min(chunk, count - first));
            });
        }
        catch (AggregateException e)
        {
            // Callers catch TextTooLongException, not the parallel wrapper.
            ExceptionDispatchInfo.Capture(e.Flatten().InnerExceptions[0]).Throw();
        }
        return batch;
    }

    private void BuildRows(IReadOnlyList<ClickEvent> events, int eventOffset, PairBatch batch, int firstRow, int rows)
    {
        int f = Schema.FieldCount, l = MaxLength;
        var values = new int[f][];
        for (int r = firstRow; r < firstRow + rows; r++)
        {
            var e = events[eventOffset + r];
            CheckShape(e);
            var starts = batch.SpanStart.AsSpan(r * f, f);
            var lengths = batch.SpanLength.AsSpan(r * f, f);
            int length = Layout(e, values, starts, lengths, out int included);
            WriteTokens<long>(values, included, length, batch.TokenIds.AsSpan(r * l, l));
            batch.AttentionMask.AsSpan(r * l, length).Fill(true);
            var ids = batch.FeatureIds.AsSpan(r * f, f);
            for (int j = 0; j < f; j++) ids[j] = Vocabulary.Lookup(j, e.Values[j]);
            batch.Labels[r] = e.Label;
            batch.TruncatedFields[r] = f - included;
        }
    }

    /// <summary>
    /// Decides which fields fit: whole fields in order while "&lt;field&gt; is &lt;value&gt;." still leaves room for [SEP].
    /// Fills each included field's value tokens and span; later fields get span (0, 0). Returns the real token count.
    /// </summary>
    private int Layout(ClickEvent e, int[][] values, Span<int> starts, Span<int> lengths, out int included)
    {
        int pos = 1; // after [CLS]
        int last = MaxLength - 1; // [SEP] goes here at the latest
        int f = 0;
        for (; f < Schema.FieldCount; f++)
        {
            var value = Cache.GetArray(f, e.Values[f]);
            int prefix = _prefixTokens[f].Length;
            int need = prefix + value.Length + 1;
            if (pos + need > last)
            {
                if (f == 0) throw new TextTooLongException(e.Id, Schema.Fields[0].Name, need, last - 1);
                break;
            }
            values[f] = value;
            starts[f] = pos + prefix;
            lengths[f] = value.Length;
            pos += need;
        }
        included = f;
        for (; f < Schema.FieldCount; f++)
        {
            starts[f] = 0;
            lengths[f] = 0;
        }
        return pos + 1;
    }

    private void WriteTokens<T>(int[][] values, int included, int length, Span<T> tokens) where T : IBinaryInteger<T>
    {
        int pos = 0;
        tokens[pos++] = T.CreateTruncating(_cls);
        for (int f = 0; f < included; f++)
        {
            foreach (int t in _prefixTokens[f]) tokens[pos++] = T.CreateTruncating(t);
            foreach (int t in values[f]) tokens[pos++] = T.CreateTruncating(t);
            tokens[pos++] = T.CreateTruncating(_periodToken);
        }
        tokens[pos++] = T.CreateTruncating(_sep);
        tokens[length..].Fill(T.CreateTruncating(_pad));
    }

    private void CheckShape(ClickEvent e)
    {
        if (e.Values.Length != Schema.FieldCount)
            throw new ArgumentException($"Event '{e.Id}' has {e.Values.Length} values but schema '{Schema.Name}' has {Schema.FieldCount} fields.", nameof(e));
    }
}
