using System.Globalization;

namespace Flip.Trainer.Online;

/// <summary>
/// What one training window is: an event-time span (windows aligned to multiples of it since the Unix epoch) or a
/// number of events. Parsed from <c>Trainer:Window</c>: a whole number is an event count, anything else a TimeSpan.
/// </summary>
public sealed record WindowSpec(TimeSpan? Span, int? Events)
{
    public bool IsCount => Events is not null;

    /// <param name="setting">The setting named in error messages.</param>
    public static WindowSpec Parse(string text, string setting = "Trainer:Window")
    {
        var value = (text ?? "").Trim();
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long events))
        {
            if (events is < 1 or > 100_000_000) throw new TrainerConfigurationException($"{setting} '{text}': an event count must be 1-100,000,000.");
            return new WindowSpec(null, (int)events);
        }
        if (TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var span))
        {
            if (span < TimeSpan.FromSeconds(1)) throw new TrainerConfigurationException($"{setting} '{text}': a span must be at least one second.");
            return new WindowSpec(span, null);
        }
        throw new TrainerConfigurationException($"{setting} '{text}' is neither an event count (10000) nor a span (01:00:00).");
    }

    /// <summary>Start of the aligned span window holding <paramref name="time"/>.</summary>
    public DateTime AlignedStart(DateTime time)
    {
        long ticks = Span!.Value.Ticks;
        long since = time.Ticks - DateTime.UnixEpoch.Ticks;
        long floor = since >= 0 ? since - since % ticks : since - ((since % ticks) + ticks) % ticks;
        return new DateTime(DateTime.UnixEpoch.Ticks + floor, DateTimeKind.Utc);
    }

    public override string ToString() => IsCount ? $"{Events} events" : Span!.Value.ToString("c", CultureInfo.InvariantCulture);
}
