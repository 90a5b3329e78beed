using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Flip.Trainer.Plm.Import.Onnx;
using static TorchSharp.torch;

namespace Flip.Trainer.Plm.Import;

/// <summary>
/// Reads the weights of a BERT encoder exported to ONNX by PyTorch (the MiniLM of <see cref="MiniLmPackage"/>) under
/// Hugging Face names, and infers its <see cref="BertConfig"/> from the graph.
/// <para>
/// Embeddings, LayerNorms, biases and the pooler keep their Hugging Face names in such an export, but the weight of
/// every <c>nn.Linear</c> becomes an anonymous numbered initializer stored [in, out] and consumed by a MatMul. Each
/// such MatMul's output feeds exactly one Add whose other input is the Linear's named bias: the weight takes the
/// bias's name with <c>.weight</c> and is transposed to Linear's [out, in].
/// </para>
/// Anything that does not fit (an unknown named tensor, a float initializer that is not a MatMul weight, a MatMul
/// without a named bias, a shape that contradicts the config, a missing tensor) is refused with
/// <see cref="InvalidDataException"/> naming it: a wrong mapping would otherwise load silently as garbage.
/// </summary>
public static partial class OnnxBertGraph
{
    /// <summary>Hugging Face names that an ONNX export of BertModel keeps (the Linear weights are the exception).</summary>
    [GeneratedRegex(@"^(embeddings\.(word_embeddings|position_embeddings|token_type_embeddings)\.weight|embeddings\.LayerNorm\.(weight|bias)|encoder\.layer\.\d+\.(attention\.output|output)\.LayerNorm\.(weight|bias)|pooler\.dense\.(weight|bias))$")]
    private static partial Regex NamedTensor();

    /// <summary>The bias of an nn.Linear inside the encoder: its MatMul weight gets the same prefix.</summary>
    [GeneratedRegex(@"^encoder\.layer\.(\d+)\.(attention\.self\.(query|key|value)|attention\.output\.dense|intermediate\.dense|output\.dense)\.bias$")]
    private static partial Regex LinearBias();

    /// <summary>Buffers of the export that carry no weights (position ids are recomputed by the model).</summary>
    static readonly HashSet<string> IgnoredNamed = new(StringComparer.Ordinal) { "embeddings.position_ids" };

    /// <summary>The inferred config and every encoder tensor under its Hugging Face name (caller disposes the tensors).</summary>
    public sealed record Weights(BertConfig Config, Dictionary<string, Tensor> Tensors) : IDisposable
    {
        public void Dispose()
        {
            foreach (var t in Tensors.Values) t.Dispose();
        }
    }

    public static Weights Read(ModelProto model, string source)
    {
        var graph = model.Graph ?? throw Refuse(source, "the model has no graph");
        foreach (var input in new[] { "input_ids", "attention_mask" })
            if (graph.Input.All(i => i.Name != input))
                throw Refuse(source, $"graph input '{input}' is missing (inputs: {string.Join(", ", graph.Input.Select(i => i.Name))})");

        var initializers = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        foreach (var t in graph.Initializer)
        {
            if (t.DataLocation == TensorProto.Types.DataLocation.External)
                throw Refuse(source, $"initializer '{t.Name}' is stored outside the model file (external data is not supported)");
            if (!initializers.TryAdd(t.Name, t)) throw Refuse(source, $"initializer '{t.Name}' appears twice");
        }
        var consumers = graph.Node.SelectMany(n => n.Input.Select(i => (i, n))).ToLookup(p => p.i, p => p.n, StringComparer.Ordinal);
        var producers = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        foreach (var n in graph.Node)
            foreach (var o in n.Output) producers[o] = n;

        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            var matMulWeights = MapMatMulWeights(graph, initializers, consumers, tensors, source);
            foreach (var (name, proto) in initializers)
            {
                if (matMulWeights.Contains(name) || IgnoredNamed.Contains(name)) continue;
                if (NamedTensor().IsMatch(name) || LinearBias().IsMatch(name))
                {
                    RequireFloat(proto, source);
                    var t = ToTensor(proto);
                    if (name == "pooler.dense.weight" && !GemmTransposesB(consumers[name]))
                        t = Transposed(t); // a Gemm without transB (or a MatMul) stores it [in, out] too
                    tensors[name] = t;
                }
                else if (proto.DataType == (int)TensorProto.Types.DataType.Float)
                    throw Refuse(source, $"float initializer '{name}' [{Dims(proto)}] is neither a Hugging Face BERT tensor nor a MatMul weight with a named bias");
                // Remaining initializers are int64 shape constants of reshapes and slices: no weights.
            }
            var config = InferConfig(graph, initializers, consumers, producers, tensors, source);
            return new Weights(config, tensors);
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
    }

    /// <summary>Names each MatMul weight after the bias its output is added to; returns the initializers consumed.</summary>
    static HashSet<string> MapMatMulWeights(GraphProto graph, Dictionary<string, TensorProto> initializers,
        ILookup<string, NodeProto> consumers, Dictionary<string, Tensor> tensors, string source)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in graph.Node.Where(n => n.OpType == "MatMul"))
        {
            var weightName = node.Input.Skip(1).FirstOrDefault(initializers.ContainsKey);
            if (weightName is null) continue; // activation x activation (attention scores): no weight
            var weight = initializers[weightName];
            RequireFloat(weight, source);
            if (weight.Dims.Count != 2) throw Refuse(source, $"MatMul '{node.Name}' weight '{weightName}' has shape [{Dims(weight)}], expected [in, out]");
            var adds = consumers[node.Output[0]].ToList();
            var bias = adds.Count == 1 && adds[0].OpType == "Add"
                ? adds[0].Input.FirstOrDefault(i => i != node.Output[0] && LinearBias().IsMatch(i))
                : null;
            if (bias is null)
                throw Refuse(source, $"MatMul '{node.Name}' weight '{weightName}' does not feed exactly one Add with a named encoder bias, so it cannot be named");
            var name = bias[..^".bias".Length] + ".weight";
            var biasLength = initializers.TryGetValue(bias, out var b) && b.Dims.Count == 1 ? b.Dims[0] : -1;
            if (weight.Dims[1] != biasLength)
                throw Refuse(source, $"'{name}' (initializer '{weightName}') has [in, out] = [{Dims(weight)}] but its bias '{bias}' has {biasLength} elements");
            if (tensors.ContainsKey(name)) throw Refuse(source, $"two MatMul weights map to '{name}'");
            tensors[name] = Transposed(ToTensor(weight));
            used.Add(weightName);
        }
        return used;
    }

    static BertConfig InferConfig(GraphProto graph, Dictionary<string, TensorProto> initializers, ILookup<string, NodeProto> consumers,
        Dictionary<string, NodeProto> producers, Dictionary<string, Tensor> tensors, string source)
    {
        long[] Shape(string name) => tensors.TryGetValue(name, out var t) ? t.shape : throw Refuse(source, $"tensor '{name}' is missing");
        var word = Shape("embeddings.word_embeddings.weight");
        var hidden = (int)word[1];
        var layerIndices = tensors.Keys.Select(k => LinearBias().Match(k)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value)).Distinct().Order().ToList();
        if (layerIndices.Count == 0) throw Refuse(source, "no encoder layers found");
        if (layerIndices[^1] != layerIndices.Count - 1)
            throw Refuse(source, $"encoder layers are not numbered 0..N-1 (found {string.Join(", ", layerIndices)})");
        var heads = HeadCount(initializers, consumers, producers, source);
        if (hidden % heads != 0) throw Refuse(source, $"hidden size {hidden} is not a multiple of the {heads} attention heads read from the graph");
        var ops = graph.Node.Select(n => n.OpType).ToHashSet(StringComparer.Ordinal);
        if (!ops.Contains("Erf")) throw Refuse(source, "no Erf node: the feed-forward activation is not the exact GELU this BERT implements");

        return new BertConfig
        {
            VocabSize = (int)word[0],
            HiddenSize = hidden,
            NumHiddenLayers = layerIndices.Count,
            NumAttentionHeads = heads,
            IntermediateSize = (int)Shape("encoder.layer.0.intermediate.dense.bias")[0],
            MaxPositionEmbeddings = (int)Shape("embeddings.position_embeddings.weight")[0],
            TypeVocabSize = (int)Shape("embeddings.token_type_embeddings.weight")[0],
            HiddenAct = "gelu",
            LayerNormEps = LayerNormEpsilon(graph, initializers, consumers, producers, source),
        };
    }

    /// <summary>
    /// The head count from the reshape of layer 0's query projection to [batch, length, heads, head size]: the shape
    /// is a Concat whose last two inputs are constants.
    /// </summary>
    static int HeadCount(Dictionary<string, TensorProto> initializers, ILookup<string, NodeProto> consumers,
        Dictionary<string, NodeProto> producers, string source)
    {
        foreach (var add in consumers["encoder.layer.0.attention.self.query.bias"].Where(n => n.OpType == "Add"))
            foreach (var reshape in consumers[add.Output[0]].Where(n => n.OpType == "Reshape"))
                if (producers.TryGetValue(reshape.Input[1], out var concat) && concat.OpType == "Concat" && concat.Input.Count == 4
                    && ConstantInt(concat.Input[2], initializers, producers) is { } h && h > 0)
                    return (int)h;
        throw Refuse(source, "cannot read the attention head count (no Reshape of the query projection to [B, L, heads, head size])");
    }

    /// <summary>LayerNorm's epsilon: from a fused LayerNormalization node, or from the decomposed x / sqrt(var + eps).</summary>
    static double LayerNormEpsilon(GraphProto graph, Dictionary<string, TensorProto> initializers, ILookup<string, NodeProto> consumers,
        Dictionary<string, NodeProto> producers, string source)
    {
        var fused = graph.Node.FirstOrDefault(n => n.OpType == "LayerNormalization");
        if (fused is not null) return fused.Attribute.FirstOrDefault(a => a.Name == "epsilon")?.F ?? 1e-5;
        foreach (var mul in consumers["embeddings.LayerNorm.weight"].Where(n => n.OpType == "Mul"))
        {
            var normalised = mul.Input.First(i => i != "embeddings.LayerNorm.weight");
            if (producers.TryGetValue(normalised, out var div) && div.OpType == "Div"
                && producers.TryGetValue(div.Input[1], out var sqrt) && sqrt.OpType == "Sqrt"
                && producers.TryGetValue(sqrt.Input[0], out var add) && add.OpType == "Add")
                foreach (var input in add.Input)
                    if (ConstantFloat(input, initializers, producers) is { } eps)
                        return double.Parse(eps.ToString("R", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture); // float 1e-12 -> double 1e-12, not 9.99999996e-13
        }
        throw Refuse(source, "cannot read the LayerNorm epsilon (no LayerNormalization node and no decomposed x / sqrt(var + eps) at embeddings.LayerNorm)");
    }

    static long? ConstantInt(string name, Dictionary<string, TensorProto> initializers, Dictionary<string, NodeProto> producers)
    {
        var t = ConstantTensor(name, initializers, producers);
        if (t is null || t.DataType != (int)TensorProto.Types.DataType.Int64) return null;
        if (t.Int64Data.Count == 1) return t.Int64Data[0];
        return t.RawData.Length == 8 ? BitConverter.ToInt64(t.RawData.Span) : null;
    }

    static float? ConstantFloat(string name, Dictionary<string, TensorProto> initializers, Dictionary<string, NodeProto> producers)
    {
        var t = ConstantTensor(name, initializers, producers);
        if (t is null || t.DataType != (int)TensorProto.Types.DataType.Float) return null;
        if (t.FloatData.Count == 1) return t.FloatData[0];
        return t.RawData.Length == 4 ? BitConverter.ToSingle(t.RawData.Span) : null;
    }

    static TensorProto? ConstantTensor(string name, Dictionary<string, TensorProto> initializers, Dictionary<string, NodeProto> producers)
    {
        if (initializers.TryGetValue(name, out var init)) return init;
        return producers.TryGetValue(name, out var node) && node.OpType == "Constant"
            ? node.Attribute.FirstOrDefault(a => a.Name == "value")?.T
            : null;
    }

    static bool GemmTransposesB(IEnumerable<NodeProto> users) =>
        users.Any(n => n.OpType == "Gemm" && n.Attribute.Any(a => a.Name == "transB" && a.I == 1));

    static void RequireFloat(TensorProto t, string source)
    {
        if (t.DataType != (int)TensorProto.Types.DataType.Float)
            throw Refuse(source, $"initializer '{t.Name}' has ONNX data type {t.DataType}, expected 1 (float32)");
    }

    static Tensor ToTensor(TensorProto t)
    {
        var dims = t.Dims.ToArray();
        var count = dims.Aggregate(1L, (a, d) => a * d);
        float[] data;
        if (t.RawData.Length > 0)
        {
            if (t.RawData.Length != count * sizeof(float))
                throw new InvalidDataException($"initializer '{t.Name}' has {t.RawData.Length} bytes for shape [{string.Join(", ", dims)}]");
            data = MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray(); // ONNX raw data is little-endian, like this machine
        }
        else
        {
            if (t.FloatData.Count != count)
                throw new InvalidDataException($"initializer '{t.Name}' has {t.FloatData.Count} floats for shape [{string.Join(", ", dims)}]");
            data = t.FloatData.ToArray();
        }
        return tensor(data, dims);
    }

    static Tensor Transposed(Tensor t)
    {
        using (t) return t.t().contiguous();
    }

    static string Dims(TensorProto t) => string.Join(", ", t.Dims);

    static InvalidDataException Refuse(string source, string reason) =>
        new($"{source}: not an ONNX BERT encoder this importer can map: {reason}");
}
