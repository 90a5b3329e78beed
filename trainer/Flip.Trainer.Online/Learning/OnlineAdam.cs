using Flip.Trainer.Safetensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Flip.Trainer.Online;

/// <summary>
/// Adam (Kingma &amp; Ba; the same update as torch.optim.Adam without weight decay) whose state the trainer owns, keyed
/// by parameter name, so that it survives across windows, can be saved and loaded with the weights, and can follow a
/// growing embedding table: rows appended to a parameter get zero moments, rows recycled are reset to zero.
/// </summary>
public sealed class OnlineAdam : IDisposable
{
    private const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;
    private readonly Dictionary<string, (Tensor M, Tensor V)> _state = new(StringComparer.Ordinal);
    private List<(string Name, Tensor Parameter)> _parameters = [];
    private readonly Func<string, bool>? _trains;
    private readonly Func<string, double>? _learningRateOf;

    /// <param name="trains">Which parameters (by name) the optimizer updates and keeps state for; null = every parameter that requires a gradient.</param>
    /// <param name="learningRateOf">A parameter's own learning rate (e.g. a PLM's smaller one); null = <see cref="LearningRate"/> for all.</param>
    public OnlineAdam(nn.Module module, double learningRate, Func<string, bool>? trains = null, Func<string, double>? learningRateOf = null)
    {
        LearningRate = learningRate;
        _trains = trains;
        _learningRateOf = learningRateOf;
        Bind(module);
    }

    /// <summary>The learning rate of parameters without their own (see the constructor).</summary>
    public double LearningRate { get; set; }

    /// <summary>Steps taken (bias correction uses it).</summary>
    public long Step { get; private set; }

    /// <summary>
    /// Points the optimizer at a module's parameters (after the module was rebuilt with larger tables): moments of a
    /// parameter whose first dimension grew are padded with zero rows; any other shape change is refused.
    /// </summary>
    public void Bind(nn.Module module)
    {
        _parameters = module.named_parameters().Where(p => p.parameter.requires_grad && (_trains is null || _trains(p.name))).Select(p => (p.name, (Tensor)p.parameter)).ToList();
        using var noGrad = no_grad();
        foreach (var (name, p) in _parameters)
        {
            if (!_state.TryGetValue(name, out var s))
            {
                _state[name] = (zeros_like(p), zeros_like(p));
                continue;
            }
            if (s.M.shape.SequenceEqual(p.shape)) continue;
            if (s.M.dim() != p.dim() || s.M.shape[0] > p.shape[0] || !s.M.shape.Skip(1).SequenceEqual(p.shape.Skip(1)))
                throw new InvalidOperationException($"Optimizer state of '{name}' is [{string.Join(", ", s.M.shape)}], the parameter is [{string.Join(", ", p.shape)}]: only the first dimension may grow.");
            _state[name] = (Grow(s.M, p.shape), Grow(s.V, p.shape));
            s.M.Dispose();
            s.V.Dispose();
        }
    }

    /// <summary>
    /// Zeroes the moments of <paramref name="rows"/> in every parameter whose first dimension is <paramref name="tableRows"/>
    /// (and, with <paramref name="namePrefix"/>, whose name starts with it: a PLM table that happens to have as many rows is not touched).
    /// </summary>
    public void ResetRows(IReadOnlyList<int> rows, long tableRows, string? namePrefix = null)
    {
        if (rows.Count == 0) return;
        using var noGrad = no_grad();
        foreach (var (name, (m, v)) in _state)
        {
            if (m.dim() == 0 || m.shape[0] != tableRows) continue;
            if (namePrefix is not null && !name.StartsWith(namePrefix, StringComparison.Ordinal)) continue;
            using var index = tensor(rows.Select(r => (long)r).ToArray(), device: m.device);
            m.index_fill_(0, index, 0);
            v.index_fill_(0, index, 0);
        }
    }

    public void ZeroGrad()
    {
        foreach (var (_, p) in _parameters) p.grad?.zero_();
    }

    /// <summary>One Adam step over every parameter that has a gradient.</summary>
    public void StepOnce()
    {
        Step++;
        double bc1 = 1 - Math.Pow(Beta1, Step);
        double bc2 = 1 - Math.Pow(Beta2, Step);
        double bc2Sqrt = Math.Sqrt(bc2);
        using var noGrad = no_grad();
        foreach (var (name, p) in _parameters)
        {
            var grad = p.grad;
            if (grad is null) continue;
            var (m, v) = _state[name];
            double stepSize = (_learningRateOf?.Invoke(name) ?? LearningRate) / bc1;
            m.mul_(Beta1).add_(grad, alpha: 1 - Beta1);
            v.mul_(Beta2).addcmul_(grad, grad, value: 1 - Beta2);
            using var denominator = v.sqrt().div_(bc2Sqrt).add_(Epsilon);
            p.addcdiv_(m, denominator, value: -stepSize);
        }
    }

    /// <summary>Writes the moments as safetensors (<c>m.NAME</c>, <c>v.NAME</c>) with the step count in the metadata.</summary>
    public void Save(string path)
    {
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, (m, v)) in _state)
        {
            tensors["m." + name] = m;
            tensors["v." + name] = v;
        }
        SafetensorsFile.Save(path, tensors, new Dictionary<string, string> { ["step"] = Step.ToString(System.Globalization.CultureInfo.InvariantCulture), ["lr"] = LearningRate.ToString("R", System.Globalization.CultureInfo.InvariantCulture) });
    }

    /// <summary>Loads moments saved by <see cref="Save"/>; refuses a file whose tensors do not match the bound parameters.</summary>
    public void Load(string path)
    {
        var loaded = SafetensorsFile.Load(path, out var metadata);
        try
        {
            foreach (var (name, p) in _parameters)
            {
                if (!loaded.TryGetValue("m." + name, out var m) || !loaded.TryGetValue("v." + name, out var v))
                    throw new InvalidDataException($"{path}: no optimizer state for parameter '{name}'.");
                if (!m.shape.SequenceEqual(p.shape))
                    throw new InvalidDataException($"{path}: optimizer state of '{name}' is [{string.Join(", ", m.shape)}], the parameter is [{string.Join(", ", p.shape)}].");
                using var noGrad = no_grad();
                _state[name].M.copy_(m);
                _state[name].V.copy_(v);
            }
            Step = long.Parse(metadata["step"], System.Globalization.CultureInfo.InvariantCulture);
        }
        finally
        {
            foreach (var t in loaded.Values) t.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var (m, v) in _state.Values)
        {
            m.Dispose();
            v.Dispose();
        }
        _state.Clear();
    }

    private static Tensor Grow(Tensor old, long[] shape)
    {
        var grown = zeros(shape, old.dtype, old.device);
        using var head = grown.narrow(0, 0, old.shape[0]);
        head.copy_(old);
        return grown;
    }
}
