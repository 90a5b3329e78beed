using Flip.FeatureStore.Errors;
using TorchSharp;
using static TorchSharp.torch;

namespace Flip.Trainer.Tests;

public sealed class TrainingDeviceTests
{
    [Fact]
    public void AutoPicksCudaOnlyWhenAvailable()
    {
        var device = TrainingDevice.Resolve("auto");
        Assert.Equal(cuda.is_available() ? DeviceType.CUDA : DeviceType.CPU, device.type);
        Assert.Equal(device.type, TrainingDevice.Resolve(null).type);
        Assert.Equal(DeviceType.CPU, TrainingDevice.Resolve("CPU").type);
    }

    [Fact]
    public void CudaWithoutAGpuAndUnknownNamesAreClearErrors()
    {
        if (!cuda.is_available())
        {
            var e = Assert.Throws<EnvironmentException>(() => TrainingDevice.Resolve("cuda"));
            Assert.Contains("CUDA is not available", e.Message);
        }
        Assert.Throws<UserInputException>(() => TrainingDevice.Resolve("tpu"));
    }
}
