using Flip.FeatureStore.Events;
using Flip.FeatureStore.Readers;
using Flip.FeatureStore.Schema;

namespace Flip.Ingest.Tests;

/// <summary>MovieLens-1M shaped click events with unique ids, spread over a few event-time hours.</summary>
internal static class SyntheticClicks
{
    public static DatasetSchema Schema => MovieLens1MReader.Schema;

    public static List<ClickEvent> Generate(int count, int hours = 6, string prefix = "e", int seed = 7)
    {
        var random = new Random(seed);
        var start = new DateTime(2000, 12, 1, 0, 0, 0, DateTimeKind.Utc);
        var events = new List<ClickEvent>(count);
        string[] genders = ["female", "male"];
        string[] ages = ["18-24", "25-34", "35-44", "45-49"];
        for (int i = 0; i < count; i++)
        {
            // Chronological, like a reader's output.
            var time = start.AddSeconds(Math.Floor((double)i * hours * 3600 / count)); // whole seconds, like the datasets
            int user = random.Next(1, 500);
            int movie = random.Next(1, 2000);
            events.Add(new ClickEvent($"{prefix}-{i}", time,
            [
                user.ToString(System.Globalization.CultureInfo.InvariantCulture), genders[user % 2], ages[user % 4], "writer", $"{10000 + user}",
                movie.ToString(System.Globalization.CultureInfo.InvariantCulture), $"Movie {movie} (1999)", "Drama, Comedy",
            ], (byte)(random.Next(2))));
        }
        return events;
    }
}
