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
    readonly BertForMaskedLM? _compute;
    readonly (Parameter Master, Parameter Compute)[] _pairs = [];
    bool _stale = true;

    public MixedPrecisionPlm(BertForMaskedLM master, bool bf16)
    {
        _master = master;
        if (!bf16) return;
        var device = master.parameters().First().device;
        _compute = new BertForMaskedLM(master.Config);
        _compute.to(ScalarType.BFloat16).to(device);
        var computeParams = _compute.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        _pairs = master.named_parameters().Select(p => (p.parameter, computeParams[p.name])).ToArray();
    }

    public bool IsBf16 => _compute is not null;

    /// <summary>Last hidden states [B, L, Dt] in fp32.</summary>
    public Tensor Encode(Tensor inputIds, Tensor attentionMask)
    {
        if (_compute is null) return _master.Bert.Forward(inputIds, attentionMask);
        if (_stale) SyncWeights();
        _compute.train(_master.training);
        using var hidden = _compute.Bert.Forward(inputIds, attentionMask);
        return hidden.to(ScalarType.Float32);
    }

    /// <summary>Copies the fp32 master weights into the bf16 compute copy (call after every optimizer step).</summary>
    public void SyncWeights()
    {
        if (_compute is null) return;
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
