using System.Globalization;

namespace Flip.FeatureStore.Store;

/// <summary>The <c>date=YYYY-MM-DD/hour=HH</c> folder naming of the store's hour partitions.</summary>
internal static class HourPartition
{
    public const string DatePrefix = "date=";
    public const string HourPrefix = "hour=";

    /// <summary>Start of the hour holding <paramref name="time"/> (UTC).</summary>
    public static DateTime Floor(DateTime time) =>
        new(time.Ticks - time.Ticks % TimeSpan.TicksPerHour, DateTimeKind.Utc);

    /// <summary>Relative folder of an hour, e.g. <c>date=2000-12-31/hour=22</c>.</summary>
    public static string RelativePath(DateTime hour) =>
        Path.Combine(DatePrefix + hour.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                     HourPrefix + hour.ToString("HH", CultureInfo.InvariantCulture));

    public static bool TryParseDate(string folderName, out DateTime date) =>
        DateTime.TryParseExact(folderName.StartsWith(DatePrefix, StringComparison.Ordinal) ? folderName[DatePrefix.Length..] : "",
            "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out date);

    public static bool TryParseHour(string folderName, out int hour)
    {
        hour = -1;
        return folderName.StartsWith(HourPrefix, StringComparison.Ordinal)
            && folderName.Length == HourPrefix.Length + 2
            && int.TryParse(folderName.AsSpan(HourPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out hour)
            && hour is >= 0 and < 24;
    }
}
