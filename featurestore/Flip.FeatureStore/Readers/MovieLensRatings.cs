using System.Runtime.CompilerServices;
using System.Text;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;

namespace Flip.FeatureStore.Readers;

/// <summary>
/// The ratings file of both MovieLens releases (<c>user, item, rating, unix seconds</c>, latin-1): joins each row with
/// the user's 5 texts and the item's 3 texts (the 8 MovieLens fields), applies the label rule, and reports bad rows
/// (unknown ids, ratings outside 1-5, bad timestamps, repeated pairs) with file and line.
/// </summary>
internal static class MovieLensRatings
{
    /// <summary>Largest accepted timestamp: 9999-12-31, the end of <see cref="DateTime"/>.</summary>
    private const long MaxUnixSeconds = 253_402_300_799;

    /// <param name="idPrefix">Event id prefix, e.g. <c>ml1m-</c>; ids are <c>prefix + user + "-" + item</c>.</param>
    /// <param name="itemNoun">How messages name an item ("movie", "item").</param>
    /// <param name="usersFile">Side file name used in messages for unknown users.</param>
    /// <param name="itemsFile">Side file name used in messages for unknown items.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Read(string ratingsPath, string delimiter, Dictionary<int, string[]> users, Dictionary<int, string[]> items,
        LabelRule rule, ReaderStats stats, MalformedRows malformed, List<ClickEvent> events,
        string idPrefix, string itemNoun, string usersFile, string itemsFile)
    {
        var seen = new PairSet(MaxKey(users), MaxKey(items)); // (user, item) pairs: the id must stay unique
        using var r = new DelimitedFileReader(ratingsPath, Encoding.Latin1, delimiter, 4);
        while (r.ReadNext())
        {
            stats.RowsRead++;
            string? problem = r.CheckFieldCount(4);
            if (problem is null
                && r.TryInt(0, "user id", out int userId, out problem)
                && r.TryInt(1, $"{itemNoun} id", out int itemId, out problem)
                && r.TryInt(2, "rating", out int rating, out problem)
                && r.TryLong(3, "timestamp", out long seconds, out problem))
            {
                if (!users.TryGetValue(userId, out var user)) problem = $"unknown user id {userId} (not in {usersFile})";
                else if (!items.TryGetValue(itemId, out var item)) problem = $"unknown {itemNoun} id {itemId} (not in {itemsFile})";
                else if (rating is < 1 or > 5) problem = $"rating {rating} is outside 1-5";
                else if (seconds is < 0 or > MaxUnixSeconds) problem = $"timestamp {seconds} is out of range";
                else if (!seen.Add(userId, itemId)) problem = $"user {userId} rated {itemNoun} {itemId} twice";
                else
                {
                    int? label = rule.Apply(rating);
                    if (label is null) { stats.DroppedByLabelRule++; continue; }
                    var values = new string[8];
                    Array.Copy(user, values, 5);
                    Array.Copy(item, 0, values, 5, 3);
                    events.Add(new ClickEvent(string.Concat(idPrefix, user[0], "-", item[0]), DateTime.UnixEpoch.AddSeconds(seconds), values, (byte)label.Value));
                    continue;
                }
            }
            malformed.Report(r.File, r.LineNumber, problem!);
        }
    }

    private static int MaxKey(Dictionary<int, string[]> byId)
    {
        int max = 0;
        foreach (int id in byId.Keys) max = Math.Max(max, id);
        return max;
    }
}
