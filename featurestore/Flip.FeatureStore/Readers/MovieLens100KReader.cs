using System.Text;
using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;

namespace Flip.FeatureStore.Readers;

/// <summary>
/// MovieLens-100K in its original files (latin-1): u.data tab-separated <c>user id, item id, rating, timestamp</c>;
/// u.user <c>user id|age|gender|occupation|zip code</c>; u.item <c>movie id|movie title|release date|video release
/// date|IMDb URL|</c> then one 0/1 flag per genre in the order of u.genre (read when present, else the documented
/// default order). Same fields and label rule as <see cref="MovieLens1MReader"/>; the numeric age is put into the
/// MovieLens-1M age groups, the occupation word is kept. Id: <c>ml100k-&lt;user&gt;-&lt;item&gt;</c>.
/// </summary>
public sealed class MovieLens100KReader : DatasetReaderBase
{
    /// <summary>Same fields as MovieLens-1M, so models and texts carry over.</summary>
    public static DatasetSchema Schema { get; } = new("movielens-100k", MovieLens1MReader.Schema.Fields, MovieLens1MReader.Schema.LabelRule);

    /// <summary>u.genre of the original release, used when the folder has no u.genre.</summary>
    public static IReadOnlyList<string> DefaultGenres { get; } =
    [
        "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
        "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
    ];

    private const int ItemFixedColumns = 5;
    private readonly string _data, _users, _items;
    private readonly string? _genres;

    /// <param name="folder">Folder holding u.data, u.user, u.item and optionally u.genre.</param>
    /// <param name="options">Malformed-row policy.</param>
    public MovieLens100KReader(string folder, ReaderOptions? options = null) : base(folder, options)
    {
        _data = RequireFile("u.data");
        _users = RequireFile("u.user");
        _items = RequireFile("u.item");
        string genres = Path.Combine(folder, "u.genre");
        _genres = File.Exists(genres) ? genres : null;
    }

    private protected override DatasetSchema DescribedSchema => Schema;

    private protected override void ReadAll(List<ClickEvent> events, MalformedRows malformed) =>
        MovieLensRatings.Read(_data, "\t", ReadUsers(malformed), ReadItems(ReadGenres(), malformed), Schema.LabelRule, Stats, malformed, events,
            idPrefix: "ml100k-", itemNoun: "item", usersFile: "u.user", itemsFile: "u.item");

    /// <summary>Genre names by flag position: u.genre lines <c>name|index</c> (indexes 0..n-1, each once).</summary>
    private IReadOnlyList<string> ReadGenres()
    {
        if (_genres is null) return DefaultGenres;
        var byIndex = new SortedDictionary<int, string>();
        using var r = new DelimitedFileReader(_genres, Encoding.Latin1, "|", 2);
        while (r.ReadNext())
        {
            // A bad genre list would mislabel every movie, so it is always an error, even when skipping rows.
            string? problem = r.CheckFieldCount(2);
            if (problem is null && r.TryInt(1, "genre index", out int index, out problem))
            {
                if (!byIndex.TryAdd(index, r.FieldString(0))) problem = $"genre index {index} appears twice";
                else continue;
            }
            throw new DatasetFormatException(r.File, r.LineNumber, problem!);
        }
        if (byIndex.Count == 0) throw new DatasetFormatException(Path.GetFileName(_genres), 1, "u.genre lists no genres");
        if (byIndex.Keys.First() != 0 || byIndex.Keys.Last() != byIndex.Count - 1)
            throw new DatasetFormatException(Path.GetFileName(_genres), 1, $"genre indexes must run 0..{byIndex.Count - 1} without gaps");
        return byIndex.Values.ToList();
    }

    private Dictionary<int, string[]> ReadUsers(MalformedRows malformed)
    {
        var users = new Dictionary<int, string[]>();
        using var r = new DelimitedFileReader(_users, Encoding.Latin1, "|", 5);
        while (r.ReadNext())
        {
            string? problem = r.CheckFieldCount(5);
            if (problem is null
                && r.TryInt(0, "user id", out int id, out problem)
                && r.TryInt(1, "age", out int age, out problem))
            {
                string? gender = Demographics.Gender(r.Field(2));
                if (gender is null) problem = $"gender '{r.FieldString(2)}' is not F or M";
                else if (age is < 0 or > 150) problem = $"age {age} is outside 0-150";
                else if (users.ContainsKey(id)) problem = $"user id {id} appears twice";
                else
                {
                    users.Add(id, [r.FieldString(0), gender, Demographics.AgeGroup(age), r.FieldString(3), r.FieldString(4)]);
                    continue;
                }
            }
            malformed.Report(r.File, r.LineNumber, problem!);
        }
        return users;
    }

    private Dictionary<int, string[]> ReadItems(IReadOnlyList<string> genres, MalformedRows malformed)
    {
        var items = new Dictionary<int, string[]>();
        int columns = ItemFixedColumns + genres.Count;
        var names = new List<string>(4);
        using var r = new DelimitedFileReader(_items, Encoding.Latin1, "|", columns);
        while (r.ReadNext())
        {
            string? problem = r.CheckFieldCount(columns);
            if (problem is null && r.TryInt(0, "movie id", out int id, out problem))
            {
                names.Clear();
                for (int g = 0; g < genres.Count && problem is null; g++)
                {
                    var flag = r.Field(ItemFixedColumns + g);
                    if (flag is "1") names.Add(genres[g]);
                    else if (flag is not "0") problem = $"genre flag {g} ('{genres[g]}') is '{flag}', not 0 or 1";
                }
                if (problem is null && items.ContainsKey(id)) problem = $"movie id {id} appears twice";
                if (problem is null)
                {
                    items.Add(id, [r.FieldString(0), r.FieldString(1), names.Count == 0 ? Demographics.Unknown : string.Join(", ", names)]);
                    continue;
                }
            }
            malformed.Report(r.File, r.LineNumber, problem!);
        }
        return items;
    }
}
