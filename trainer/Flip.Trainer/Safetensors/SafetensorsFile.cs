using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace Flip.Trainer.Safetensors;

/// <summary>One tensor's entry in a safetensors header; offsets are relative to the start of the data section.</summary>
public sealed record SafetensorsEntry(string Name, string DType, long[] Shape, long Begin, long End)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}

/// <summary>A parsed safetensors header: the entries in data order, the free-form metadata, and where the data starts.</summary>
public sealed record SafetensorsHeader(IReadOnlyList<SafetensorsEntry> Entries, IReadOnlyDictionary<string, string> Metadata, long DataStart);

/// <summary>
/// Reader/writer for the safetensors format (8-byte little-endian header length, JSON header, raw little-endian bytes).
/// Hand-written because no served .NET package reads it; pickled PyTorch checkpoints are refused because
/// unpickling can execute arbitrary code.
/// </summary>
public static class SafetensorsFile
{
    /// <summary>Same ceiling as the reference implementation: a header above 100 MB is corrupt or hostile.</summary>
    public const long MaxHeaderLength = 100_000_000;

    static readonly string[] PickleExtensions = [".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle"];

    /// <summary>Loads every tensor of the file onto <paramref name="device"/> (CPU when null), keeping the stored dtype.</summary>
    public static Dictionary<string, Tensor> Load(string path, Device? device = null) => Load(path, out _, device);

    public static Dictionary<string, Tensor> Load(string path, out IReadOnlyDictionary<string, string> metadata, Device? device = null)
    {
        RefusePickle(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"safetensors file not found: {path}", path);
        using var stream = File.OpenRead(path);
        var header = ReadHeader(stream, path);
        metadata = header.Metadata;
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var entry in header.Entries)
            {
                var bytes = new byte[entry.End - entry.Begin];
                stream.Position = header.DataStart + entry.Begin;
                stream.ReadExactly(bytes);
                tensors[entry.Name] = ToTensor(entry, bytes, device);
            }
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
        return tensors;
    }

    /// <summary>Reads and validates the header only (tensor names, dtypes, shapes, offsets).</summary>
    public static SafetensorsHeader ReadHeader(string path)
    {
        RefusePickle(path);
        using var stream = File.OpenRead(path);
        return ReadHeader(stream, path);
    }

    public static SafetensorsHeader ReadHeader(Stream stream, string source)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors I/O assumes a little-endian machine");
        Span<byte> prefix = stackalloc byte[8];
        if (stream.Length < 8) throw new SafetensorsFormatException($"{source}: file is {stream.Length} bytes, too short for a safetensors header");
        stream.Position = 0;
        stream.ReadExactly(prefix);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength < 2 || headerLength > MaxHeaderLength || (long)headerLength > stream.Length - 8)
        {
            RefusePickleMagic(prefix, source);
            throw new SafetensorsFormatException($"{source}: header length {headerLength} is not sane (file is {stream.Length} bytes, limit {MaxHeaderLength})");
        }
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        if (headerBytes[0] != (byte)'{') RefusePickleMagic(prefix, source);
        var dataStart = 8 + (long)headerLength;
        return ParseHeader(headerBytes, stream.Length - dataStart, dataStart, source);
    }

    static SafetensorsHeader ParseHeader(byte[] headerBytes, long dataLength, long dataStart, string source)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(headerBytes) as JsonObject
                ?? throw new SafetensorsFormatException($"{source}: header is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new SafetensorsFormatException($"{source}: header is not valid JSON ({e.Message})");
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var entries = new List<SafetensorsEntry>();
        foreach (var (name, node) in root)
        {
            if (name == "__metadata__")
            {
                if (node is not JsonObject meta) throw new SafetensorsFormatException($"{source}: __metadata__ must be an object of strings");
                foreach (var (k, v) in meta)
                    metadata[k] = v is JsonValue value && value.TryGetValue<string>(out var s)
                        ? s : throw new SafetensorsFormatException($"{source}: __metadata__ value of '{k}' is not a string");
                continue;
            }
            entries.Add(ParseEntry(name, node, source));
        }

        entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long previousEnd = 0;
        string? previousName = null;
        foreach (var e in entries)
        {
            if (e.Begin < 0 || e.End < e.Begin || e.End > dataLength)
                throw new SafetensorsFormatException($"{source}: tensor '{e.Name}' has data_offsets [{e.Begin}, {e.End}] outside the {dataLength}-byte data section");
            if (e.Begin < previousEnd)
                throw new SafetensorsFormatException($"{source}: tensor '{e.Name}' overlaps tensor '{previousName}' (data_offsets start {e.Begin} < {previousEnd})");
            var expected = e.ElementCount * SafetensorsDType.SizeOf(e.DType);
            if (e.End - e.Begin != expected)
                throw new SafetensorsFormatException($"{source}: tensor '{e.Name}' has {e.End - e.Begin} bytes but {e.DType}[{string.Join(", ", e.Shape)}] needs {expected}");
            previousEnd = e.End;
            previousName = e.Name;
        }
        return new SafetensorsHeader(entries, metadata, dataStart);
    }

    static SafetensorsEntry ParseEntry(string name, JsonNode? node, string source)
    {
        if (node is not JsonObject obj) throw new SafetensorsFormatException($"{source}: entry '{name}' is not an object");
        try
        {
            var dtype = obj["dtype"]?.GetValue<string>() ?? throw new SafetensorsFormatException($"{source}: tensor '{name}' has no dtype");
            SafetensorsDType.SizeOf(dtype);
            var shape = (obj["shape"] as JsonArray ?? throw new SafetensorsFormatException($"{source}: tensor '{name}' has no shape"))
                .Select(d => d!.GetValue<long>()).ToArray();
            if (shape.Any(d => d < 0)) throw new SafetensorsFormatException($"{source}: tensor '{name}' has a negative dimension");
            var offsets = obj["data_offsets"] as JsonArray ?? throw new SafetensorsFormatException($"{source}: tensor '{name}' has no data_offsets");
            if (offsets.Count != 2) throw new SafetensorsFormatException($"{source}: tensor '{name}' data_offsets must be [begin, end]");
            return new SafetensorsEntry(name, dtype, shape, offsets[0]!.GetValue<long>(), offsets[1]!.GetValue<long>());
        }
        catch (SafetensorsFormatException e) when (e.Message.Contains("unsupported dtype"))
        {
            throw new SafetensorsFormatException($"{source}: tensor '{name}': {e.Message}");
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException)
        {
            throw new SafetensorsFormatException($"{source}: tensor '{name}' has a malformed entry ({e.Message})");
        }
    }

    static Tensor ToTensor(SafetensorsEntry entry, byte[] bytes, Device? device)
    {
        var tensor = empty(entry.Shape, SafetensorsDType.ToScalarType(entry.DType));
        if (bytes.Length > 0) tensor.bytes = bytes;
        if (device is null || device.type == DeviceType.CPU) return tensor;
        using (tensor) return tensor.to(device);
    }

    /// <summary>Writes the tensors (any device; copied to CPU) in name order with an optional metadata block.</summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors I/O assumes a little-endian machine");
        var names = tensors.Keys.Order(StringComparer.Ordinal).ToArray();
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var (k, v) in metadata) meta[k] = v;
            header["__metadata__"] = meta;
        }
        var blobs = new List<byte[]>(names.Length);
        long offset = 0;
        foreach (var name in names)
        {
            var t = tensors[name];
            var dtype = SafetensorsDType.FromScalarType(t.dtype);
            byte[] blob;
            using (var cpu = t.detach().cpu().contiguous()) blob = cpu.numel() == 0 ? [] : cpu.bytes.ToArray();
            var entry = new JsonObject
            {
                ["dtype"] = dtype,
                ["shape"] = new JsonArray(t.shape.Select(d => (JsonNode)JsonValue.Create(d)).ToArray()),
                ["data_offsets"] = new JsonArray(JsonValue.Create(offset), JsonValue.Create(offset + blob.Length)),
            };
            header[name] = entry;
            blobs.Add(blob);
            offset += blob.Length;
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        // Pad the header with spaces so the data section starts 8-byte aligned, as the reference writer does.
        var padded = (json.Length + 7) / 8 * 8;
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        var temp = path + ".tmp";
        using (var stream = File.Create(temp))
        {
            Span<byte> prefix = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)padded);
            stream.Write(prefix);
            stream.Write(json);
            for (var i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
            foreach (var blob in blobs) stream.Write(blob);
        }
        File.Move(temp, path, overwrite: true);
    }

    static void RefusePickle(string path)
    {
        var ext = Path.GetExtension(path).ToLowerInvariant();
        if (PickleExtensions.Contains(ext))
            throw new SafetensorsFormatException(
                $"{path}: PyTorch pickle checkpoints ({ext}) are refused because unpickling can execute arbitrary code. " +
                "Convert it to safetensors first, e.g. in Python: `from safetensors.torch import save_file; import torch; " +
                "save_file(torch.load('pytorch_model.bin', weights_only=True), 'model.safetensors')`.");
    }

    static void RefusePickleMagic(ReadOnlySpan<byte> prefix, string source)
    {
        // torch.save writes a zip archive (PK\x03\x04); older files are raw pickles starting with the PROTO opcode 0x80.
        var isZip = prefix[0] == (byte)'P' && prefix[1] == (byte)'K' && prefix[2] == 3 && prefix[3] == 4;
        var isPickle = prefix[0] == 0x80 && prefix[1] is >= 2 and <= 5;
        if (isZip || isPickle)
            throw new SafetensorsFormatException(
                $"{source}: this is a PyTorch pickle/zip checkpoint, not safetensors; it is refused because unpickling can execute arbitrary code. " +
                "Convert it to safetensors first (safetensors.torch.save_file).");
    }
}
