using Flip.Trainer.IdModels;
using Flip.Trainer.IdModels.Layers;
using static TorchSharp.torch;

namespace Flip.Scorer.Models;

/// <summary>
/// DCNv2's inference forward in managed code: the weights are copied out of the TorchSharp model once, at load, and a
/// logit costs ~0.35 M multiply-adds on the calling thread with no native call, no tensor and no allocation. Measured
/// reason (docs/benchmarks.md): a TorchSharp forward of one event is some 50 native calls, each returning a tensor
/// handle (0.2-0.3 ms of one thread), and that cost, plus the hop to the one batcher thread, left a 2-core machine no
/// headroom: the scorer's latency tail whenever anything else ran.
/// Same maths as <see cref="DcnV2Model"/> in eval mode (dropout off): the mixture of low-rank cross experts
/// (<see cref="LowRankCrossMixture"/>) or full-rank cross layers, the ReLU MLP, the output linear over [cross ; deep].
/// Immutable after construction, so any number of threads may call <see cref="Logit"/> at once.
/// </summary>
public sealed class DcnV2Forward
{
    private readonly int _fields;
    private readonly int _embeddingSize;
    private readonly int _numFeatures;
    private readonly int _inputSize;
    private readonly float[] _embedding; // [N, De]

    // Mixture of low-rank experts (FullRank false). Layouts chosen so every product is a dot of contiguous rows.
    private readonly int _layers;
    private readonly int _experts;
    private readonly int _rank;
    private readonly float[] _vt = [];    // [L, E, r, D]  V transposed: low[k] = Vt[k,:]·xl
    private readonly float[] _ct = [];    // [L, E, r, r]  C transposed: low'[s] = Ct[s,:]·low
    private readonly float[] _ut = [];    // [L, E, r, D]  U transposed: up += low'[k]·Ut[k,:]
    private readonly float[] _bias = [];  // [L, D]
    private readonly float[] _gates = []; // [L, E, D]

    // Full-rank cross layers (FullRank true): x_{l+1} = x0 ⊙ (W_l x_l + b_l) + x_l.
    private readonly bool _fullRank;
    private readonly float[][] _crossWeight = [];
    private readonly float[][] _crossBias = [];

    private readonly float[][] _mlpWeight;
    private readonly float[][] _mlpBias;
    private readonly int[] _mlpWidth;
    private readonly float[] _outWeight; // [D + last hidden]
    private readonly float _outBias;
    private readonly int _widest;

    public DcnV2Forward(DcnV2Model model)
    {
        var options = model.Options;
        _fields = model.NumFields;
        _embeddingSize = model.EmbeddingSize;
        _numFeatures = model.NumFeatures;
        _inputSize = _fields * _embeddingSize;
        var weights = model.state_dict();
        _embedding = Copy(Weight(weights, "embedding.table.weight"));
        _fullRank = options.DcnV2.FullRank;
        if (_fullRank)
        {
            _layers = options.DcnV2.CrossLayers;
            _crossWeight = new float[_layers][];
            _crossBias = new float[_layers][];
            for (int l = 0; l < _layers; l++)
            {
                _crossWeight[l] = Copy(Weight(weights, $"cross.layers.{l}.weight"));
                _crossBias[l] = Copy(Weight(weights, $"cross.layers.{l}.bias"));
            }
        }
        else
        {
            var mixture = (LowRankCrossMixture)model.Cross;
            _layers = mixture.Layers;
            _experts = mixture.Experts;
            _rank = mixture.LowRank;
            _vt = CopyTransposed(mixture.V);
            _ct = CopyTransposed(mixture.C);
            _ut = CopyTransposed(mixture.U);
            _bias = Copy(mixture.Bias);
            _gates = Copy(mixture.Gates);
        }
        int hidden = options.HiddenUnits.Length;
        _mlpWeight = new float[hidden][];
        _mlpBias = new float[hidden][];
        _mlpWidth = options.HiddenUnits.ToArray();
        for (int i = 0; i < hidden; i++)
        {
            _mlpWeight[i] = Copy(Weight(weights, $"dnn.layers.linear{i}.weight"));
            _mlpBias[i] = Copy(Weight(weights, $"dnn.layers.linear{i}.bias"));
        }
        _outWeight = Copy(Weight(weights, "output.weight"));
        _outBias = Copy(Weight(weights, "output.bias"))[0];
        if (_embedding.Length != (long)_numFeatures * _embeddingSize || _outWeight.Length != _inputSize + _mlpWidth[^1])
            throw new ArgumentException("The DCNv2 weights do not have the shapes its options describe.", nameof(model));
        _widest = _mlpWidth.Max();
        // x0, xl, next, up, two hidden buffers, then low, low' and the gates.
        ScratchLength = 4 * _inputSize + 2 * _widest + 2 * _rank + _experts;
    }

    /// <summary>Fields per event (the width of the ids <see cref="Logit"/> reads).</summary>
    public int Fields => _fields;

    /// <summary>Floats of scratch one <see cref="Logit"/> call needs.</summary>
    public int ScratchLength { get; }

    /// <summary>The logit of one event's feature ids (global ids, one per field); <paramref name="scratch"/> is the caller's.</summary>
    public float Logit(ReadOnlySpan<int> ids, Span<float> scratch)
    {
        int d = _inputSize;
        var x0 = scratch[..d];
        var xl = scratch.Slice(d, d);
        var next = scratch.Slice(2 * d, d);
        var up = scratch.Slice(3 * d, d);
        var rest = scratch[(4 * d)..ScratchLength];
        for (int f = 0; f < _fields; f++)
        {
            int id = ids[f];
            if ((uint)id >= (uint)_numFeatures) throw new ArgumentOutOfRangeException(nameof(ids), $"feature id {id} is outside the embedding table ({_numFeatures} rows)");
            _embedding.AsSpan(id * _embeddingSize, _embeddingSize).CopyTo(x0.Slice(f * _embeddingSize, _embeddingSize));
        }
        x0.CopyTo(xl);
        if (_fullRank) FullRankCross(x0, xl, next);
        else CrossMixture(x0, xl, next, up, rest);

        // The DNN reads x0 (the flattened embeddings), ping-ponging between two buffers.
        var a = rest[.._widest];
        var b = rest.Slice(_widest, _widest);
        ReadOnlySpan<float> input = x0;
        for (int i = 0; i < _mlpWeight.Length; i++)
        {
            var output = (i % 2 == 0 ? a : b)[.._mlpWidth[i]];
            Kernels.Linear(_mlpWeight[i], _mlpBias[i], input, output, relu: true);
            input = output;
        }
        var outWeight = _outWeight.AsSpan();
        return Kernels.Dot(outWeight[..d], xl) + Kernels.Dot(outWeight[d..], input) + _outBias;
    }

    private void FullRankCross(ReadOnlySpan<float> x0, Span<float> xl, Span<float> next)
    {
        for (int l = 0; l < _layers; l++)
        {
            Kernels.Linear(_crossWeight[l], _crossBias[l], xl, next, relu: false);
            for (int i = 0; i < xl.Length; i++) xl[i] += x0[i] * next[i];
        }
    }

    private void CrossMixture(ReadOnlySpan<float> x0, Span<float> xl, Span<float> mixed, Span<float> up, Span<float> rest)
    {
        int d = _inputSize, r = _rank, e = _experts;
        var low = rest.Slice(rest.Length - 2 * r - e, r);
        var low2 = rest.Slice(rest.Length - r - e, r);
        var gate = rest.Slice(rest.Length - e, e);
        for (int l = 0; l < _layers; l++)
        {
            // Softmax gate over the experts (max subtracted, as torch's softmax).
            float max = float.NegativeInfinity;
            for (int x = 0; x < e; x++)
            {
                gate[x] = Kernels.Dot(_gates.AsSpan((l * e + x) * d, d), xl);
                max = MathF.Max(max, gate[x]);
            }
            float total = 0;
            for (int x = 0; x < e; x++) total += gate[x] = MathF.Exp(gate[x] - max);
            for (int x = 0; x < e; x++) gate[x] /= total;

            mixed.Clear();
            var bias = _bias.AsSpan(l * d, d);
            for (int x = 0; x < e; x++)
            {
                int expert = l * e + x;
                var vt = _vt.AsSpan(expert * r * d, r * d);
                for (int k = 0; k < r; k++) low[k] = Kernels.Dot(vt.Slice(k * d, d), xl);
                Kernels.Tanh(low);
                var ct = _ct.AsSpan(expert * r * r, r * r);
                for (int s = 0; s < r; s++) low2[s] = Kernels.Dot(ct.Slice(s * r, r), low);
                Kernels.Tanh(low2);
                bias.CopyTo(up);
                var ut = _ut.AsSpan(expert * r * d, r * d);
                for (int k = 0; k < r; k++) Kernels.AddScaled(up, low2[k], ut.Slice(k * d, d));
                // E_x = x0 ⊙ (U·low' + b); mixed += g_x · E_x.
                float g = gate[x];
                for (int i = 0; i < d; i++) mixed[i] += g * (x0[i] * up[i]);
            }
            for (int i = 0; i < d; i++) xl[i] += mixed[i];
        }
    }

    private static Tensor Weight(IDictionary<string, Tensor> weights, string name) =>
        weights.TryGetValue(name, out var tensor) ? tensor : throw new ArgumentException($"the DCNv2 checkpoint has no weight '{name}'");

    private static float[] Copy(Tensor tensor)
    {
        using var detached = tensor.detach();
        using var cpu = detached.to(ScalarType.Float32, CPU);
        using var contiguous = cpu.contiguous();
        return contiguous.data<float>().ToArray();
    }

    /// <summary>A [L, E, a, b] stack copied as [L, E, b, a].</summary>
    private static float[] CopyTransposed(Tensor tensor)
    {
        using var transposed = tensor.transpose(2, 3);
        return Copy(transposed);
    }
}
