using System.Globalization;
using System.Text;
using Flip.FeatureStore.Events;

namespace Flip.Trainer.Online;

/// <summary>
/// Optional CSV of every prequential prediction (<c>window,event_time,label,logit</c>), for benchmarks that pool
/// windows (e.g. the AUC over the last 10% of event time). Truncated to the resumed window on start, like the evaluation log.
/// </summary>
public sealed class PredictionsLog(string path)
{
    public const string Header = "window,event_time,label,logit";

    public string Path { get; } = path;

    /// <summary>Keeps the header and the lines of windows before <paramref name="window"/>.</summary>
    public void TruncateFrom(long window)
    {
        var kept = new StringBuilder(Header + "\n");
        if (File.Exists(Path))
        {
            foreach (var line in File.ReadLines(Path).Skip(1))
            {
                int comma = line.IndexOf(',');
                if (comma > 0 && line.EndsWith(',') is false && long.TryParse(line.AsSpan(0, comma), CultureInfo.InvariantCulture, out long w) && w < window)
                    kept.Append(line).Append('\n');
            }
        }
        System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
        File.WriteAllText(Path, kept.ToString());
    }

    public void Append(long window, IReadOnlyList<ClickEvent> events, float[] logits)
    {
        var text = new StringBuilder(events.Count * 40);
        for (int i = 0; i < events.Count; i++)
        {
            text.Append(window.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(events[i].EventTime.ToString("O", CultureInfo.InvariantCulture)).Append(',')
                .Append(events[i].Label).Append(',')
                .Append(logits[i].ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }
        File.AppendAllText(Path, text.ToString());
    }
}
