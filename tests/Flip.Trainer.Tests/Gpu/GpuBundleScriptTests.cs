using System.Diagnostics;

namespace Flip.Trainer.Tests.Gpu;

/// <summary>
/// deploy/gpu/: what run.sh would run on the GPU machine (--dry-run needs no bundle, torch or GPU), that
/// build-bundle.sh packs every path run.sh reads, and that the peer copy does the same work per step as the original.
/// Building the bundle itself (a self-contained publish plus xz, minutes on 2 cores) is done by hand; see README.
/// </summary>
public sealed class GpuBundleScriptTests
{
    static string Script(string name) => Path.Combine(RepoPaths.Root, "deploy", "gpu", name);

    static (int Code, string Out, string Err) Bash(params string[] args)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment.Remove("OUT");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(30_000), "the script did not finish in 30 s");
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void DryRunPrintsUnpackTorchLibraryPathFourPeerRunsAndOneRunOfOurs()
    {
        var (code, stdout, stderr) = Bash(Script("run.sh"), "--dry-run", "--bundle", "/b/bundle.tar.xz", "--out", "/r", "--work", "/w");
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(7, lines.Length);
        Assert.Equal("mkdir -p /w /r && tar -xJf /b/bundle.tar.xz -C /w", lines[0]);
        Assert.Equal("export LD_LIBRARY_PATH=$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))')/lib:$LD_LIBRARY_PATH", lines[1]);
        Assert.Equal(
            [
                "python3 /w/flip-gpu/peer_flip_pretrain.py 128 0 30 >> /r/peer.txt",
                "python3 /w/flip-gpu/peer_flip_pretrain.py 128 1 30 >> /r/peer.txt",
                "python3 /w/flip-gpu/peer_flip_pretrain.py 1024 0 30 >> /r/peer.txt",
                "python3 /w/flip-gpu/peer_flip_pretrain.py 1024 1 30 >> /r/peer.txt",
            ], lines[2..6]);
        var ours = lines[6];
        Assert.StartsWith("/w/flip-gpu/app/flip bench flip-gpu ", ours);
        foreach (var part in new[] { "--dataset movielens-1m", "--path /w/flip-gpu/data/movielens-1m", "--vocab /w/flip-gpu/plm/vocab.txt",
                     "--plm tinybert,minilm-l6", "--batch-sizes 128,1024", "--precision fp32,bf16", "--mlm-sampled 0,4096", "--warmup 5", "--steps 30", "--phase-steps 10",
                     "--device cuda", "--peer /r/peer.txt", "--out /r/flip-gpu.json" })
            Assert.Contains(" " + part, ours);
    }

    [Fact]
    public void QuickRunsFewerStepsOfTheSameCases()
    {
        var (code, stdout, stderr) = Bash(Script("run.sh"), "--dry-run", "--quick", "--bundle", "/b.tar.xz", "--out", "/r", "--work", "/w");
        Assert.True(code == 0, stderr);
        Assert.Contains("peer_flip_pretrain.py 1024 1 10 >>", stdout);
        Assert.Contains("--warmup 2 --steps 10 --phase-steps 3", stdout);
        Assert.Contains("--batch-sizes 128,1024 --precision fp32,bf16", stdout);
    }

    [Fact]
    public void UnknownOptionAndMissingBundleAreRefusedWithExitCode2()
    {
        var (code, _, stderr) = Bash(Script("run.sh"), "--fast");
        Assert.Equal(2, code);
        Assert.Contains("unknown option '--fast'", stderr);
        (code, _, stderr) = Bash(Script("run.sh"), "--bundle", Path.Combine(Path.GetTempPath(), $"no-bundle-{Guid.NewGuid():N}.tar.xz"), "--out", Path.GetTempPath());
        Assert.Equal(2, code);
        Assert.Contains("no bundle at", stderr);
    }

    [Fact]
    public void TheBundleHoldsEveryPathRunShReads()
    {
        var (code, needs, stderr) = Bash(Script("run.sh"), "--needs");
        Assert.True(code == 0, stderr);
        (code, var packed, stderr) = Bash(Script("build-bundle.sh"), "--list");
        Assert.True(code == 0, stderr);
        var needed = needs.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("flip-gpu/app/flip", needed);
        Assert.Contains("flip-gpu/peer_flip_pretrain.py", needed);
        Assert.Empty(needed.Except(packed.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public void ThePeerCopyDoesTheSameWorkPerStepAsTheOriginal()
    {
        var original = RepoPaths.Shared("bench", "peer_flip_pretrain.py");
        Assert.True(File.Exists(original), $"{original} is missing");
        // Everything from the shapes to the end of step() (model, heads, optimizer, batch, losses) is the same text.
        static string Work(string path)
        {
            var text = File.ReadAllText(path);
            var start = text.IndexOf("dev = \"cuda\"", StringComparison.Ordinal);
            var end = text.IndexOf("for _ in range(5): step()", StringComparison.Ordinal);
            Assert.True(start >= 0 && end > start, $"{path}: step section not found");
            return text[start..end];
        }
        Assert.Equal(Work(original), Work(Script("peer_flip_pretrain.py")));
    }
}
