using System.Runtime.InteropServices;
using System.Text;

namespace Flip.Trainer;

/// <summary>
/// GPU name and memory in use, read through NVML (libnvidia-ml.so.1, installed with the NVIDIA driver). TorchSharp
/// exposes no CUDA memory statistics, so this is the device-wide figure nvidia-smi shows: the CUDA context plus
/// everything the caching allocator holds (it keeps freed blocks, so the figure never falls within a process).
/// Every member returns null where NVML is not there (a CPU machine) or fails; nothing here throws.
/// </summary>
public static class GpuMemoryProbe
{
    const string Library = "libnvidia-ml.so.1";
    static readonly Lazy<bool> Initialised = new(() =>
    {
        try
        {
            return NativeLibrary.TryLoad(Library, out _) && NvmlInit() == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return false;
        }
    });

    /// <summary>Bytes in use on GPU <paramref name="index"/> (device-wide), or null.</summary>
    public static long? UsedBytes(int index = 0) =>
        Handle(index) is { } handle && GetMemoryInfo(handle, out var info) == 0 ? (long)info.Used : null;

    /// <summary>The GPU's name (e.g. "NVIDIA H200"), or null.</summary>
    public static string? Name(int index = 0)
    {
        if (Handle(index) is not { } handle) return null;
        var buffer = new byte[96];
        return GetName(handle, buffer, (uint)buffer.Length) == 0 ? Encoding.ASCII.GetString(buffer).TrimEnd('\0') : null;
    }

    static IntPtr? Handle(int index)
    {
        if (!Initialised.Value) return null;
        try
        {
            return GetHandleByIndex((uint)index, out var handle) == 0 ? handle : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    struct MemoryInfo
    {
        public ulong Total;
        public ulong Free;
        public ulong Used;
    }

    [DllImport(Library, EntryPoint = "nvmlInit_v2")]
    static extern int NvmlInit();

    [DllImport(Library, EntryPoint = "nvmlDeviceGetHandleByIndex_v2")]
    static extern int GetHandleByIndex(uint index, out IntPtr device);

    [DllImport(Library, EntryPoint = "nvmlDeviceGetMemoryInfo")]
    static extern int GetMemoryInfo(IntPtr device, out MemoryInfo memory);

    [DllImport(Library, EntryPoint = "nvmlDeviceGetName")]
    static extern int GetName(IntPtr device, byte[] name, uint length);
}
