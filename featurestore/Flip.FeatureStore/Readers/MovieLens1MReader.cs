using System.Runtime.CompilerServices;
using System.Text;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;

namespace Flip.FeatureStore.Readers;

/// <summary>
/// MovieLens-1M in its original GroupLens files (latin-1, <c>::</c>-separated): ratings.dat
/// <c>UserID::MovieID::Rating::Timestamp</c>, users.dat <c>UserID::Gender::Age::Occupation::Zip-code</c>,
/// movies.dat <c>MovieID::Title::Genres</c>. Codes become readable text (age 25 -> "25-34", occupation 4 ->
/// "college/grad student", F -> "female", genres "A|B" -> "A, B"). Label: rating &gt; 3 -> 1, &lt; 3 -> 0, 3 dropped.
/// Event time: the rating's Unix timestamp (seconds, UTC). Id: <c>ml1m-&lt;user&gt;-&lt;movie&gt;</c>.
/// A rating naming a user or movie absent from the side files is a malformed row.
/// </summary>
public sealed class MovieLens1MReader : DatasetReaderBase
{
    /// <summary>Fields in the order of the paper: user side, then movie side.</summary>
    public static DatasetSchema Schema { get; } = new("movielens-1m",
    [
        new FieldSchema("user_id", "user id"),
        new FieldSchema("gender", "gender"),
        new FieldSchema("age", "age"),
        new FieldSchema("occupation", "occupation"),
        new FieldSchema("zip_code", "zip code"),
        new FieldSchema("movie_id", "movie id"),
        new FieldSchema("title", "movie title"),
        new FieldSchema("genres", "genres"),
    ], new LabelRule(3, 3));

    private readonly string _ratings, _users, _movies;

    /// <param name="folder">Folder holding ratings.dat, users.dat and movies.dat.</param>
    /// <param name="options">Malformed-row policy; default throws on the first bad row.</param>
    public MovieLens1MReader(string folder, ReaderOptions? options = null) : base(folder, options)
    {
        _ratings = RequireFile("ratings.dat");
        _users = RequireFile("users.dat");
        _movies = RequireFile("movies.dat");
    }

    private protected override DatasetSchema DescribedSchema => Schema;

    // Fully optimized from the first call: the single pass over ~0.5M lines would otherwise start in tier-0 code.
    private protected override void ReadAll(List<ClickEvent> events, MalformedRows malformed) =>
        MovieLensRatings.Read(_ratings, "::", ReadUsers(malformed), ReadMovies(malformed), Schema.LabelRule, Stats, malformed, events,
            idPrefix: "ml1m-", itemNoun: "movie", usersFile: "users.dat", itemsFile: "movies.dat");

    /// <summary>User id -> [user_id, gender, age, occupation, zip_code] texts, shared by all of the user's events.</summary>
    private Dictionary<int, string[]> ReadUsers(MalformedRows malformed)
    {
        var users = new Dictionary<int, string[]>();
        var occupations = Demographics.MovieLensOccupations;
        using var r = new DelimitedFileReader(_users, Encoding.Latin1, "::", 5);
        while (r.ReadNext())
        {
            string? problem = r.CheckFieldCount(5);
            if (problem is null
                && r.TryInt(0, "user id", out int id, out problem)
                && r.TryInt(2, "age code", out int ageCode, out problem)
                && r.TryInt(3, "occupation code", out int occupation, out problem))
            {
                string? gender = Demographics.Gender(r.Field(1));
                string? age = Demographics.MovieLensAgeGroup(ageCode);
                if (gender is null) problem = $"gender '{r.FieldString(1)}' is not F or M";
                else if (age is null) problem = $"age code {ageCode} is not one of 1, 18, 25, 35, 45, 50, 56";
                else if (occupation < 0 || occupation >= occupations.Count) problem = $"occupation code {occupation} is outside 0-{occupations.Count - 1}";
                else if (users.ContainsKey(id)) problem = $"user id {id} appears twice";
                else
                {
                    users.Add(id, [r.FieldString(0), gender, age, occupations[occupation], r.FieldString(4)]);
                    continue;
                }
            }
            malformed.Report(r.File, r.LineNumber, problem!);
        }
        return users;
    }

    /// <summary>Movie id -> [movie_id, title, genres] texts.</summary>
    private Dictionary<int, string[]> ReadMovies(MalformedRows malformed)
    {
        var movies = new Dictionary<int, string[]>();
        using var r = new DelimitedFileReader(_movies, Encoding.Latin1, "::", 3);
        while (r.ReadNext())
        {
            string? problem = r.CheckFieldCount(3);
            if (problem is null && r.TryInt(0, "movie id", out int id, out problem))
            {
                if (movies.ContainsKey(id)) problem = $"movie id {id} appears twice";
                else
                {
                    movies.Add(id, [r.FieldString(0), r.FieldString(1), GenreText(r.FieldString(2))]);
                    continue;
                }
            }
            malformed.Report(r.File, r.LineNumber, problem!);
        }
        return movies;
    }

    /// <summary>"Animation|Children's|Comedy" -> "Animation, Children's, Comedy".</summary>
    internal static string GenreText(string pipeSeparated) => pipeSeparated.Replace("|", ", ", StringComparison.Ordinal);
}
