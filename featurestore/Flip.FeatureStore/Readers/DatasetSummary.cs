using System.Diagnostics;
using Flip.FeatureStore.Events;

namespace Flip.FeatureStore.Readers;

/// <summary>Distinct values of one field.</summary>
public sealed record FieldSummary(string Name, string TextName, int Distinct);

/// <summary>
/// What `flip data inspect` prints: counts after the label rule, the positive rate, distinct features per field,
/// the event-time range and what the reader dropped or skipped.
/// </summary>
public sealed record DatasetSummary(
    string Dataset,
    long Samples,
    long Positives,
    double PositiveRate,
    int FieldCount,
    IReadOnlyList<FieldSummary> Fields,
    long TotalDistinctFeatures,
    DateTime? FirstEventTime,
    DateTime? LastEventTime,
    long RowsRead,
    long DroppedByLabelRule,
    long DroppedByFilter,
    long FilledMissingJoin,
    long SkippedMalformed,
    IReadOnlyList<string> SkippedExamples,
    string LabelRule,
    double ReadSeconds)
{
    /// <summary>Reads the whole dataset once and summarizes it. <paramref name="progress"/> gets the event count every 50,000 events.</summary>
    public static DatasetSummary Compute(IDatasetReader reader, IProgress<long>? progress = null)
    {
        var watch = Stopwatch.StartNew();
        var events = reader.ReadEvents();
        double readSeconds = watch.Elapsed.TotalSeconds;
        var schema = reader.Schema;
        var distinct = new HashSet<string>[schema.FieldCount];
        for (int f = 0; f < distinct.Length; f++) distinct[f] = new HashSet<string>(StringComparer.Ordinal);
        long samples = 0, positives = 0;
        DateTime? first = null, last = null;
        foreach (ClickEvent e in events)
        {
            samples++;
            positives += e.Label;
            for (int f = 0; f < distinct.Length; f++) distinct[f].Add(e.Values[f]);
            if (first is null || e.EventTime < first) first = e.EventTime;
            if (last is null || e.EventTime > last) last = e.EventTime;
            if (samples % 50_000 == 0) progress?.Report(samples);
        }
        progress?.Report(samples);
        var fields = new FieldSummary[schema.FieldCount];
        long total = 0;
        for (int f = 0; f < fields.Length; f++)
        {
            fields[f] = new FieldSummary(schema.Fields[f].Name, schema.Fields[f].TextName, distinct[f].Count);
            total += distinct[f].Count;
        }
        var s = reader.Stats;
        return new DatasetSummary(schema.Name, samples, positives, samples == 0 ? 0 : (double)positives / samples, schema.FieldCount,
            fields, total, first, last, s.RowsRead, s.DroppedByLabelRule, s.DroppedByFilter, s.FilledMissingJoin, s.SkippedMalformed,
            s.SkippedExamples.ToArray(), schema.LabelRule.ToString(), readSeconds);
    }
}
