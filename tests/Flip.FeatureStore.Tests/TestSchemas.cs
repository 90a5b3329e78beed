using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;

namespace Flip.FeatureStore.Tests;

/// <summary>Small schemas and events shared by the feature store tests.</summary>
internal static class TestSchemas
{
    public static readonly DatasetSchema Three = new("three", [
        new FieldSchema("user_id", "user id"),
        new FieldSchema("gender", "gender"),
        new FieldSchema("movie_title", "movie title"),
    ], new LabelRule(3, 3));

    public static ClickEvent Event(string id, string user, string gender, string title, byte label = 1, int minute = 0) =>
        new(id, new DateTime(2001, 1, 1, 0, minute, 0, DateTimeKind.Utc), [user, gender, title], label);
}
