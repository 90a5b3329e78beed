using Flip.FeatureStore.Errors;
using Flip.FeatureStore.Schema;
using Flip.FeatureStore.Readers;

namespace Flip.FeatureStore.Tests.Readers;

public sealed class DatasetCatalogTests
{
    [Fact]
    public void Every_name_opens_its_reader_type()
    {
        Assert.Equal(["movielens-1m", "movielens-100k", "bookcrossing", "bookcrossing-dump", "goodreads"], DatasetCatalog.Names);
        Assert.IsType<MovieLens1MReader>(DatasetCatalog.Open("movielens-1m", TestData.SharedDataset("movielens-1m")));
        Assert.IsType<BookCrossingSubsetReader>(DatasetCatalog.Open("bookcrossing", TestData.SharedDataset("bookcrossing-subset")));
        Assert.Equal("movielens-1m", DatasetCatalog.Open("MovieLens-1M", TestData.SharedDataset("movielens-1m")).Schema.Name);
    }

    [Fact]
    public void Schemas_come_from_the_same_catalog_without_reading_data()
    {
        foreach (var name in DatasetCatalog.Names) Assert.Equal(name, DatasetCatalog.Schema(name).Name);
        Assert.Same(MovieLens1MReader.Schema, DatasetCatalog.Schema("MovieLens-1M"));
        Assert.Throws<UserInputException>(() => DatasetCatalog.Schema("movielens-20m"));
        Assert.Throws<FileNotFoundException>(() => DatasetCatalog.Schema("/no/such/schema.json"));

        using var dir = new FixtureFolder().Write("s.json",
            """{"name": "mylog", "file": "c.csv", "label": {"rating": "r", "positiveAbove": 3.5}, "fields": [{"name": "user_id"}, {"name": "age", "kind": "numeric", "text": "user age"}]}""",
            new System.Text.UTF8Encoding(false));
        var schema = DatasetCatalog.Schema(Path.Combine(dir.Path, "s.json"));
        Assert.Equal("mylog", schema.Name);
        Assert.Equal([new FieldSchema("user_id", "user id"), new FieldSchema("age", "user age", FieldKind.Numeric)], schema.Fields);
        Assert.Equal(new LabelRule(3.5), schema.LabelRule);
    }

    [Fact]
    public void An_unknown_name_lists_the_valid_ones()
    {
        var e = Assert.Throws<UserInputException>(() => DatasetCatalog.Open("movielens-20m", "."));
        Assert.Contains("'movielens-20m'", e.Message);
        foreach (var name in DatasetCatalog.Names) Assert.Contains(name, e.Message);
        Assert.Contains(".json", e.Message);
    }

    [Fact]
    public void A_missing_folder_is_named()
    {
        var e = Assert.Throws<DirectoryNotFoundException>(() => DatasetCatalog.Open("goodreads", "/no/such/folder"));
        Assert.Contains("/no/such/folder", e.Message);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        using var dir = new FixtureFolder().Write("u.data", "").Write("u.user", "");
        var e = Assert.Throws<FileNotFoundException>(() => DatasetCatalog.Open("movielens-100k", dir.Path));
        Assert.Contains("u.item", e.Message);
    }

    [Fact]
    public void A_missing_schema_file_is_named()
    {
        var e = Assert.Throws<FileNotFoundException>(() => DatasetCatalog.Open("/no/such/schema.json", "."));
        Assert.Contains("/no/such/schema.json", e.Message);
    }
}
