namespace Flip.FeatureStore.Readers;

/// <summary>
/// Readable values for demographic codes. The MovieLens-1M age groups are used for every dataset with a numeric
/// age, because the paper treats numeric fields as categorical buckets and one shared set keeps texts comparable.
/// </summary>
public static class Demographics
{
    /// <summary>Value used when a field is missing or unusable.</summary>
    public const string Unknown = "unknown";

    /// <summary>MovieLens-1M age code (1, 18, 25, 35, 45, 50, 56) to its GroupLens range, or null for other codes.</summary>
    public static string? MovieLensAgeGroup(int code) => code switch
    {
        1 => "under 18",
        18 => "18-24",
        25 => "25-34",
        35 => "35-44",
        45 => "45-49",
        50 => "50-55",
        56 => "56+",
        _ => null,
    };

    /// <summary>Puts a numeric age into the MovieLens-1M groups ("under 18", "18-24", ..., "56+").</summary>
    public static string AgeGroup(int age) => age switch
    {
        < 18 => "under 18",
        < 25 => "18-24",
        < 35 => "25-34",
        < 45 => "35-44",
        < 50 => "45-49",
        < 56 => "50-55",
        _ => "56+",
    };

    /// <summary>MovieLens-1M occupation codes 0-20, as listed in README.grouplens.</summary>
    public static IReadOnlyList<string> MovieLensOccupations { get; } =
    [
        "other or not specified", "academic/educator", "artist", "clerical/admin", "college/grad student",
        "customer service", "doctor/health care", "executive/managerial", "farmer", "homemaker", "K-12 student",
        "lawyer", "programmer", "retired", "sales/marketing", "scientist", "self-employed", "technician/engineer",
        "tradesman/craftsman", "unemployed", "writer",
    ];

    /// <summary>MovieLens gender letter to "female"/"male", or null for anything else.</summary>
    public static string? Gender(ReadOnlySpan<char> letter) => letter switch
    {
        "F" or "f" => "female",
        "M" or "m" => "male",
        _ => null,
    };
}
