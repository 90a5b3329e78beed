namespace Flip.Trainer.Alignment;

/// <summary>
/// Walker/Vose alias method: O(n) setup, O(1) draws from a fixed discrete distribution
/// (NCE draws K noise features per masked field per step, so draws must be cheap).
/// </summary>
public sealed class AliasSampler
{
    readonly double[] _probability;
    readonly int[] _alias;

    /// <param name="weights">Non-negative weights (need not sum to 1); at least one must be positive.</param>
    public AliasSampler(IReadOnlyList<double> weights)
    {
        var n = weights.Count;
        if (n == 0) throw new ArgumentException("an alias sampler needs at least one outcome", nameof(weights));
        var total = 0.0;
        foreach (var w in weights)
        {
            if (w < 0 || double.IsNaN(w) || double.IsInfinity(w)) throw new ArgumentException($"weight {w} is not a finite non-negative number", nameof(weights));
            total += w;
        }
        if (total <= 0) throw new ArgumentException("all weights are zero", nameof(weights));

        Probabilities = weights.Select(w => w / total).ToArray();
        _probability = new double[n];
        _alias = new int[n];
        var scaled = Probabilities.Select(p => p * n).ToArray();
        var small = new Stack<int>();
        var large = new Stack<int>();
        for (var i = 0; i < n; i++) (scaled[i] < 1.0 ? small : large).Push(i);
        while (small.Count > 0 && large.Count > 0)
        {
            var s = small.Pop();
            var l = large.Pop();
            _probability[s] = scaled[s];
            _alias[s] = l;
            scaled[l] = scaled[l] + scaled[s] - 1.0;
            (scaled[l] < 1.0 ? small : large).Push(l);
        }
        // Leftovers are 1 up to rounding error.
        while (large.Count > 0) _probability[large.Pop()] = 1.0;
        while (small.Count > 0) _probability[small.Pop()] = 1.0;
    }

    public int Count => _probability.Length;

    /// <summary>The normalised probability of each outcome.</summary>
    public IReadOnlyList<double> Probabilities { get; }

    public int Sample(Random random)
    {
        var column = random.Next(_probability.Length);
        return random.NextDouble() < _probability[column] ? column : _alias[column];
    }
}
