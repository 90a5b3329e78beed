using Flip.FeatureStore.Events;
using Flip.FeatureStore.Readers;
using Flip.FeatureStore.Schema;

namespace Flip.Scorer.Tests;

/// <summary>
/// Synthetic events in the MovieLens-1M schema (so a version needs no schema.json) whose click depends on a hidden
/// user × movie affinity plus a genre effect: a model can learn it, so live AUC and rollbacks are meaningful.
/// </summary>
internal static class MovieLensLikeEvents
{
    public static DatasetSchema Schema => MovieLens1MReader.Schema;

    private static readonly string[] Genres = ["Comedy", "Drama", "Action", "Horror", "Romance"];

    public static List<ClickEvent> Generate(int count, int seed = 1, string idPrefix = "e")
    {
        var rng = new Random(seed);
        var affinity = new Random(99);
        var userTaste = Enumerable.Range(0, 40).Select(_ => affinity.NextDouble() * 2 - 1).ToArray();
        var movieStyle = Enumerable.Range(0, 60).Select(_ => affinity.NextDouble() * 2 - 1).ToArray();
        var start = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var events = new List<ClickEvent>(count);
        for (int i = 0; i < count; i++)
        {
            int user = rng.Next(userTaste.Length), movie = rng.Next(movieStyle.Length);
            string genre = Genres[movie % Genres.Length];
            double logit = 3 * userTaste[user] * movieStyle[movie] + (genre == "Drama" ? 0.8 : 0);
            byte label = rng.NextDouble() < 1 / (1 + Math.Exp(-logit)) ? (byte)1 : (byte)0;
            events.Add(new ClickEvent($"{idPrefix}{i}", start.AddSeconds(i),
                [$"{user + 1}", user % 2 == 0 ? "M" : "F", $"{18 + user % 5 * 7}", $"{user % 20}", $"{10000 + user * 37}",
                 $"{movie + 1}", $"Movie {movie + 1} (1999)", genre], label));
        }
        return events;
    }

    /// <summary>The same events with every label flipped (what a broken model would have learned).</summary>
    public static List<ClickEvent> Inverted(IEnumerable<ClickEvent> events) => events.Select(e => e with { Label = (byte)(1 - e.Label) }).ToList();
}
