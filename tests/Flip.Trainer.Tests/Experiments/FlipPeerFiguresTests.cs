using Flip.Trainer.Experiments;

namespace Flip.Trainer.Tests.Experiments;

public sealed class FlipPeerFiguresTests
{
    [Fact]
    public void ReadsThePeersJsonLinesAndSkipsItsOtherOutput()
    {
        var figures = FlipPeerFigures.Parse(
        [
            "pytorch FLIP pretrain step: batch 1024 amp 1: 6858 samples/s",
            """peer-json {"batch": 1024, "amp": 1, "steps": 30, "seconds": 4.48, "samples_per_second": 6858.2, "max_memory_allocated": 1000, "max_memory_reserved": 2048, "torch": "2.10.0", "device": "NVIDIA H100"}""",
            "peer failed: python3 peer_flip_pretrain.py 128 0 30 (see peer.log)",
        ], "peer.txt");
        var f = Assert.Single(figures);
        Assert.Equal((1024, "bf16", 6858.2, 2048L, "NVIDIA H100"), (f.Batch, f.Precision, f.SamplesPerSecond, f.MaxMemoryReserved, f.Device));
    }

    [Fact]
    public void ABrokenFigureLineIsBadInputWithItsLineNumber()
    {
        var e = Assert.Throws<InvalidDataException>(() => FlipPeerFigures.Parse(["x", "peer-json {\"batch\": "], "peer.txt"));
        Assert.StartsWith("peer.txt:2:", e.Message);
    }
}
