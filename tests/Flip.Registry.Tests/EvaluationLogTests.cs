using Flip.Registry;

namespace Flip.Registry.Tests;

public sealed class EvaluationLogTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "flip-eval-" + Guid.NewGuid().ToString("N"), EvaluationLog.FileName);

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_path)!, recursive: true);

    private static WindowEvaluation Window(long i) => new(i, DateTime.UnixEpoch.AddHours(i), DateTime.UnixEpoch.AddHours(i + 1), 10, 0.7, 0.5, 1.01, null);

    [Fact]
    public void A_torn_tail_is_ignored_and_cut_by_the_next_append()
    {
        var log = new EvaluationLog(_path);
        log.Append(Window(0));
        log.Append(Window(1));
        File.AppendAllText(_path, "{\"window\":2,\"fr"); // a crash mid-append

        Assert.Equal([0L, 1L], log.ReadAll().Select(e => e.Window));
        log.Append(Window(2));
        Assert.Equal([0L, 1L, 2L], log.ReadAll().Select(e => e.Window));
    }

    [Fact]
    public void TruncateFrom_drops_windows_a_resumed_trainer_will_redo()
    {
        var log = new EvaluationLog(_path);
        for (int i = 0; i < 5; i++) log.Append(Window(i));
        log.TruncateFrom(3);
        Assert.Equal([0L, 1L, 2L], log.ReadAll().Select(e => e.Window));
        Assert.Equal(0.7, log.ReadAll()[2].Auc);
    }
}
