using Flip.Trainer.Plm;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Flip.Trainer.Alignment;

/// <summary>
/// Runs the PLM either directly (fp32) or through a bfloat16 compute copy. TorchSharp has no autocast, so the bf16
/// path keeps fp32 master weights (what the optimizer updates and what is saved) and a bf16 copy used for the
/// forward/backward: <see cref="SyncWeights"/> refreshes the copy after each optimizer step and
/// <see cref="CollectGradients"/> moves the copy's gradients onto the masters as fp32. Outputs are returned as fp32.
/// </summary>
public sealed class MixedPrecisionPlm : IDisposable
{
    readonly BertForMaskedLM _master;
    readonly bool _bf16;
    BertForMaskedLM? _compute;
    (Parameter Master, Parameter Compute)[] _pairs = [];
    bool _stale = true;

    public MixedPrecisionPlm(BertForMaskedLM master, bool bf16)
    {
        _master = master;
        _bf16 = bf16;
    }

    public bool IsBf16 => _bf16;

    /// <summary>Last hidden states [B, L, Dt] in fp32.</summary>
    public Tensor Encode(Tensor inputIds, Tensor attentionMask)
    {
        if (!_bf16) return _master.Bert.call(inputIds, attentionMask);
        var compute = EnsureCompute();
        if (_stale) SyncWeights();
        compute.train(_master.training);
        using var hidden = compute.Bert.call(inputIds, attentionMask);
        return hidden.to(ScalarType.Float32);
    }

    /// <summary>
    /// The bf16 copy, created on first use on the masters' device and re-created when the masters moved
    /// (a model built on CPU and then sent to CUDA).
    /// </summary>
    BertForMaskedLM EnsureCompute()
    {
        var device = _master.Bert.Embeddings.WordEmbeddingWeight.device;
        if (_compute is not null && _compute.Bert.Embeddings.WordEmbeddingWeight.device.ToString() == device.ToString()) return _compute;
        _compute?.Dispose();
        _compute = new BertForMaskedLM(_master.Config);
        _compute.to(ScalarType.BFloat16).to(device);
        // Usually created inside a step's dispose scope: the copy must outlive it.
        foreach (var p in _compute.parameters()) p.DetachFromDisposeScope();
        foreach (var b in _compute.buffers()) b.DetachFromDisposeScope();
        var computeParams = _compute.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        _pairs = _master.named_parameters().Select(p => (p.parameter, computeParams[p.name])).ToArray();
        _stale = true;
        return _compute;
    }

    /// <summary>Copies the fp32 master weights into the bf16 compute copy (call after every optimizer step).</summary>
    public void SyncWeights()
    {
        if (!_bf16) return;
        EnsureCompute();
        using (no_grad())
            foreach (var (master, compute) in _pairs) compute.copy_(master);
        _stale = false;
    }

    /// <summary>Marks the copy stale; the next <see cref="Encode"/> re-syncs it.</summary>
    public void MarkStale() => _stale = true;

    /// <summary>Adds the bf16 gradients to the fp32 masters' gradients and clears them on the copy.</summary>
    public void CollectGradients()
    {
        if (_compute is null) return;
        using (no_grad())
            foreach (var (master, compute) in _pairs)
            {
                using var g = compute.grad;
                if (g is null) continue;
                var asFloat = g.to(ScalarType.Float32);
                using var existing = master.grad;
                if (existing is null) master.grad = asFloat;
                else
                {
                    existing.add_(asFloat);
                    asFloat.Dispose();
                }
            }
        _compute.zero_grad();
        _stale = true;
    }

    public void Dispose() => _compute?.Dispose();
}
