using TorchSharp;

namespace Flip.Trainer.Tests;

public class TorchRuntimeTests
{
    [Fact]
    public void ConfigureSetsThreadsAndAPassiveWaitPolicy()
    {
        int before = torch.get_num_threads();
        try
        {
            TorchRuntime.Configure(1);
            Assert.Equal(1, torch.get_num_threads());
            Assert.NotNull(Environment.GetEnvironmentVariable("OMP_WAIT_POLICY"));
            Assert.Throws<ArgumentOutOfRangeException>(() => TorchRuntime.Configure(0));
        }
        finally
        {
            TorchRuntime.Configure(before);
        }
    }
}
