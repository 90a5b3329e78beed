using Flip.Registry;

namespace Flip.Registry.Tests;

public sealed class ModelRegistryTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "flip-registry-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private static ModelManifest Draft(string parent = "") => new()
    {
        ModelName = "ml-dcnv2", Kind = "dcnv2", Dataset = "movielens-1m", WindowCursor = 3, VocabularyVersion = 17,
        ParentVersion = parent.Length == 0 ? null : parent, DataWatermarkUtc = new DateTime(2000, 12, 31, 0, 0, 0, DateTimeKind.Utc),
        Metrics = new() { ["prequentialAuc"] = 0.8 },
    };

    private static void WriteCheckpoint(string dir, string content)
    {
        File.WriteAllText(Path.Combine(dir, "checkpoint.json"), "{\"model\":\"dcnv2\"}");
        Directory.CreateDirectory(Path.Combine(dir, "id"));
        File.WriteAllText(Path.Combine(dir, "id", "weights.safetensors"), content);
    }

    [Fact]
    public void Publish_numbers_versions_moves_latest_and_reads_back_verified()
    {
        var registry = new ModelRegistry(_root);
        Assert.Null(registry.LatestVersion);
        Assert.Null(registry.OpenServing());

        var first = registry.Publish(Draft(), d => WriteCheckpoint(d, "one"));
        var second = registry.Publish(Draft(first.Version), d => WriteCheckpoint(d, "two"));

        Assert.Equal("000001", first.Version);
        Assert.Equal("000002", second.Version);
        Assert.Equal("000002", registry.LatestVersion);
        var read = registry.OpenServing()!;
        Assert.Equal("000001", read.Manifest.ParentVersion);
        Assert.Equal(["checkpoint.json", "id/weights.safetensors"], read.Manifest.Files.Keys);
        Assert.Equal("two", File.ReadAllText(read.PathOf("id/weights.safetensors")));
        Assert.Equal(0.8, read.Manifest.Metrics["prequentialAuc"]);
        Assert.Equal(17, read.Manifest.VocabularyVersion);
        Assert.Empty(Directory.EnumerateDirectories(registry.ModelsDirectory, ".tmp-*"));
    }

    [Fact]
    public void A_flipped_byte_is_refused_naming_the_file()
    {
        var registry = new ModelRegistry(_root);
        var model = registry.Publish(Draft(), d => WriteCheckpoint(d, "weights"));
        var path = model.PathOf("id/weights.safetensors");
        var bytes = File.ReadAllBytes(path);
        bytes[3] ^= 1;
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<CorruptModelException>(() => registry.Open(model.Version));
        Assert.Equal("id/weights.safetensors", e.File);
        Assert.Contains("sha256", e.Message);
    }

    [Fact]
    public void Missing_manifest_extra_and_missing_files_are_refused()
    {
        var registry = new ModelRegistry(_root);
        var model = registry.Publish(Draft(), d => WriteCheckpoint(d, "w"));

        File.WriteAllText(model.PathOf("stray.bin"), "x");
        Assert.Equal("stray.bin", Assert.Throws<CorruptModelException>(() => registry.Open(model.Version)).File);
        File.Delete(model.PathOf("stray.bin"));

        File.Delete(model.PathOf("checkpoint.json"));
        Assert.Equal("checkpoint.json", Assert.Throws<CorruptModelException>(() => registry.Open(model.Version)).File);

        Directory.CreateDirectory(Path.Combine(registry.ModelsDirectory, "000009"));
        Assert.Equal(ModelRegistry.ManifestFileName, Assert.Throws<CorruptModelException>(() => registry.Open("000009")).File);
    }

    [Fact]
    public void Retention_keeps_the_newest_and_never_the_pinned_one()
    {
        var registry = new ModelRegistry(new RegistryOptions { Root = _root, Keep = 2 });
        var first = registry.Publish(Draft(), d => WriteCheckpoint(d, "1"));
        registry.Pin(first.Version);
        for (int i = 0; i < 4; i++) registry.Publish(Draft(), d => WriteCheckpoint(d, i.ToString()));

        Assert.Equal(["000001", "000004", "000005"], registry.ListVersions());
        Assert.Equal("000001", registry.ServingVersion);
        registry.Unpin();
        Assert.Equal("000005", registry.ServingVersion);
        registry.Publish(Draft(), d => WriteCheckpoint(d, "6"));
        Assert.Equal(["000005", "000006"], registry.ListVersions());
    }

    [Fact]
    public void A_crashed_publish_leaves_no_version_and_is_cleaned_up_by_the_next()
    {
        var registry = new ModelRegistry(_root);
        Assert.Throws<InvalidOperationException>(() => registry.Publish(Draft(), _ => throw new InvalidOperationException("crash while writing")));
        Assert.Empty(registry.ListVersions());
        Assert.Null(registry.LatestVersion);

        var model = registry.Publish(Draft(), d => WriteCheckpoint(d, "ok"));
        Assert.Equal("000001", model.Version);
        Assert.Empty(Directory.EnumerateDirectories(registry.ModelsDirectory, ".tmp-*"));
    }

    [Fact]
    public void A_registry_folder_that_is_a_file_is_a_one_line_error_naming_it()
    {
        File.WriteAllText(_root, "not a folder");
        try
        {
            var e = Assert.Throws<IOException>(() => new ModelRegistry(_root).EnsureWritable());
            Assert.Contains(_root, e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
        finally
        {
            File.Delete(_root);
        }
    }

    [Fact]
    public void Announcement_round_trips_as_camel_case_json()
    {
        var registry = new ModelRegistry(_root);
        var model = registry.Publish(Draft(), d => WriteCheckpoint(d, "w"));
        var bytes = ModelAnnouncement.Of(model).ToJsonBytes();
        var text = System.Text.Encoding.UTF8.GetString(bytes);
        Assert.Contains("\"version\":\"000001\"", text);
        Assert.Contains("\"path\":\"models/000001\"", text);
        var back = ModelAnnouncement.Parse(bytes);
        Assert.Equal("dcnv2", back.Kind);
        Assert.Equal(0.8, back.Metrics["prequentialAuc"]);
    }
}
