namespace Flip.FeatureStore.Tests;

public class RepositoryRootTests
{
    [Fact]
    public void The_root_above_the_test_binaries_holds_the_solution()
    {
        var root = RepositoryRoot.FindAbove(AppContext.BaseDirectory);
        Assert.NotNull(root);
        Assert.True(File.Exists(Path.Combine(root, RepositoryRoot.SolutionFile)));
        Assert.Equal(RepoPaths.Root, root);
    }

    [Fact]
    public void Outside_a_checkout_there_is_none()
    {
        Assert.Null(RepositoryRoot.FindAbove(Path.GetTempPath()));
    }

    [Fact]
    public void Shared_paths_sit_beside_the_repository()
    {
        Assert.Equal(Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "plm", "x.txt")), RepositoryRoot.SharedPath("plm", "x.txt"));
    }
}
