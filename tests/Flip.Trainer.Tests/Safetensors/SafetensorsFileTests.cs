using System.Text;
using Flip.Trainer.Safetensors;
using static TorchSharp.torch;

namespace Flip.Trainer.Tests.Safetensors;

public sealed class SafetensorsFileTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("flip-st-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static byte[] FileBytes(string headerJson, byte[] data)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        var bytes = new byte[8 + header.Length + data.Length];
        BitConverter.GetBytes((ulong)header.Length).CopyTo(bytes, 0);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }

    string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void ReadsHandWrittenFileWithKnownBytes()
    {
        const string header = """{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"BF16","shape":[1,2],"data_offsets":[8,12]},"c":{"dtype":"F16","shape":[1],"data_offsets":[12,14]},"d":{"dtype":"I64","shape":[1],"data_offsets":[14,22]}}""";
        byte[] data =
        [
            0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0xC0, // F32 1.0, -2.5
            0xC0, 0x3F, 0x00, 0xBF,                         // BF16 1.5, -0.5
            0x00, 0x3C,                                     // F16 1.0
            0x07, 0, 0, 0, 0, 0, 0, 0,                      // I64 7
        ];
        var path = Write("known.safetensors", FileBytes(header, data));

        var tensors = SafetensorsFile.Load(path, out var metadata);

        Assert.Equal("pt", metadata["format"]);
        Assert.Equal(ScalarType.Float32, tensors["a"].dtype);
        Assert.Equal([1f, -2.5f], tensors["a"].data<float>().ToArray());
        Assert.Equal(ScalarType.BFloat16, tensors["b"].dtype);
        Assert.Equal([1L, 2L], tensors["b"].shape);
        Assert.Equal([1.5f, -0.5f], tensors["b"].to(ScalarType.Float32).data<float>().ToArray());
        Assert.Equal(1f, tensors["c"].to(ScalarType.Float32).item<float>());
        Assert.Equal(7L, tensors["d"].item<long>());
    }

    [Fact]
    public void RoundTripsAllDtypesAndMetadata()
    {
        var original = new Dictionary<string, Tensor>
        {
            ["w"] = randn(3, 4),
            ["h"] = randn(5).to(ScalarType.Float16),
            ["b"] = randn(2, 2, 2).to(ScalarType.BFloat16),
            ["i"] = arange(6, dtype: ScalarType.Int64).reshape(2, 3),
            ["j"] = tensor(new[] { -1, 2, 3 }),
            ["empty"] = zeros(0, 4),
        };
        var path = Path.Combine(_dir, "rt.safetensors");
        SafetensorsFile.Save(path, original, new Dictionary<string, string> { ["note"] = "x" });

        var loaded = SafetensorsFile.Load(path, out var metadata);

        Assert.Equal("x", metadata["note"]);
        Assert.Equal(original.Keys.Order(), loaded.Keys.Order());
        foreach (var (name, t) in original)
        {
            Assert.Equal(t.dtype, loaded[name].dtype);
            Assert.Equal(t.shape, loaded[name].shape);
            Assert.True(t.eq(loaded[name]).all().item<bool>(), name);
        }
        // The data section starts 8-byte aligned.
        Assert.Equal(0, SafetensorsFile.ReadHeader(path).DataStart % 8);
    }

    [Theory]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,12]}}""", "outside")]
    [InlineData("""{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", "needs 12")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}}""", "overlaps")]
    [InlineData("""{"a":{"dtype":"U8","shape":[8],"data_offsets":[0,8]}}""", "unsupported dtype 'U8'")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2]}}""", "no data_offsets")]
    [InlineData("""[1,2]""", "not a JSON object")]
    [InlineData("""{"a": """, "not valid JSON")]
    public void InvalidHeadersGiveClearErrors(string header, string expected)
    {
        var path = Write("bad.safetensors", FileBytes(header, new byte[8]));
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Load(path));
        Assert.Contains(expected, e.Message);
        Assert.Contains("bad.safetensors", e.Message);
    }

    [Fact]
    public void InsaneHeaderLengthIsRejected()
    {
        var bytes = new byte[32];
        BitConverter.GetBytes(1_000_000UL).CopyTo(bytes, 0);
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Load(Write("huge.safetensors", bytes)));
        Assert.Contains("header length 1000000 is not sane", e.Message);
    }

    [Theory]
    [InlineData("pytorch_model.bin")]
    [InlineData("model.pt")]
    public void PickleCheckpointsAreRefusedByExtension(string name)
    {
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Load(Write(name, [0x80, 0x02, 0x7d, 0x71])));
        Assert.Contains("convert it to safetensors", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void TorchZipCheckpointRenamedToSafetensorsIsRefused()
    {
        var bytes = new byte[64];
        "PK\u0003\u0004"u8.CopyTo(bytes);
        bytes[4] = 0x14; bytes[6] = 0x08;
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Load(Write("renamed.safetensors", bytes)));
        Assert.Contains("pickle", e.Message);
    }
}
