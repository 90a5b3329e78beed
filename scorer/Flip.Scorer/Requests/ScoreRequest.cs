using Flip.FeatureStore.Events;

namespace Flip.Scorer.Requests;

/// <summary>
/// A parsed scoring request: an optional request id and its events (values in schema order). An event sent without an id
/// has <see cref="ClickEvent.Id"/> "" (its score is answered with id null and never joined with a click); without a time,
/// <see cref="ClickEvent.EventTime"/> is the Unix epoch. Labels are ignored.
/// </summary>
public sealed record ScoreRequest(string? RequestId, IReadOnlyList<ClickEvent> Events);

/// <summary>Why a request was refused: the HTTP status, a snake_case code (also the dead-letter reason) and a message naming the exact problem.</summary>
public sealed record ScoreRequestError(int Status, string Code, string Message)
{
    public const string InvalidJson = "invalid_json";
    public const string Oversize = "oversize";
    public const string WrongType = "wrong_type";
    public const string UnknownProperty = "unknown_property";
    public const string UnknownField = "unknown_field";
    public const string MissingField = "missing_field";
    public const string DuplicateField = "duplicate_field";
    public const string ValueTooLong = "value_too_long";
    public const string TooManyEvents = "too_many_events";
    public const string NoEvents = "no_events";
    public const string Unauthorized = "unauthorized";
    public const string NoModel = "no_model";

    public static ScoreRequestError BadRequest(string code, string message) => new(400, code, message);
}
