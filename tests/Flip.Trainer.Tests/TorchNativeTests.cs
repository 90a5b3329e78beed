using static TorchSharp.torch;

namespace Flip.Trainer.Tests;

public class TorchNativeTests
{
    [Fact]
    public void NativeLibraryLoadsAndComputes()
    {
        // Fails with a DllNotFound/TypeInitialization error if the build did not fix libLibTorchSharp.so.
        using var sum = ones(2).sum();
        Assert.Equal(2f, sum.item<float>());
    }
}
