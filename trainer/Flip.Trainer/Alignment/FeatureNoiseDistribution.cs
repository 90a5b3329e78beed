using Flip.FeatureStore.Vocabulary;

namespace Flip.Trainer.Alignment;

/// <summary>
/// NCE noise distribution q over the global feature-id space: for each field, the frequency distribution of that
/// field's feature ids (candidates of a field only compete with the same field's values). Ids never seen get a
/// pseudo-count so that every id has q &gt; 0 and log(K q) stays finite.
/// </summary>
public sealed class FeatureNoiseDistribution
{
    readonly AliasSampler?[] _samplers;
    readonly int[][] _fieldIds;
    readonly double[] _probability;

    /// <param name="counts">Occurrences per global id (index = id).</param>
    /// <param name="fieldOfId">Field index per global id; negative for reserved ids (padding, mask) that are never candidates.</param>
    /// <param name="fieldCount">Number of fields F.</param>
    /// <param name="smoothing">Pseudo-count added to every id of a field. Default 1.</param>
    public FeatureNoiseDistribution(IReadOnlyList<long> counts, IReadOnlyList<int> fieldOfId, int fieldCount, double smoothing = 1.0)
    {
        if (counts.Count != fieldOfId.Count) throw new ArgumentException("counts and fieldOfId must cover the same ids");
        VocabularySize = counts.Count;
        FieldCount = fieldCount;
        _probability = new double[counts.Count];
        _fieldIds = new int[fieldCount][];
        _samplers = new AliasSampler?[fieldCount];
        var byField = Enumerable.Range(0, fieldCount).Select(_ => new List<int>()).ToArray();
        for (var id = 0; id < counts.Count; id++)
        {
            var field = fieldOfId[id];
            if (field >= fieldCount) throw new ArgumentException($"id {id} belongs to field {field} but there are {fieldCount} fields");
            if (field >= 0) byField[field].Add(id);
        }
        for (var f = 0; f < fieldCount; f++)
        {
            var ids = byField[f].ToArray();
            _fieldIds[f] = ids;
            if (ids.Length == 0) continue;
            var weights = ids.Select(id => counts[id] + smoothing).ToArray();
            var sampler = new AliasSampler(weights);
            _samplers[f] = sampler;
            for (var i = 0; i < ids.Length; i++) _probability[ids[i]] = sampler.Probabilities[i];
        }
    }

    /// <summary>The noise distribution of a feature vocabulary's current counts (unknown ids included, reserved ids excluded).</summary>
    public static FeatureNoiseDistribution FromVocabulary(FeatureVocabulary vocabulary, double smoothing = 1.0)
    {
        var counts = new long[vocabulary.Count];
        var fieldOf = new int[vocabulary.Count];
        for (var id = 0; id < vocabulary.Count; id++)
        {
            counts[id] = vocabulary.CountOf(id);
            fieldOf[id] = vocabulary.FieldOf(id);
        }
        return new FeatureNoiseDistribution(counts, fieldOf, vocabulary.Schema.FieldCount, smoothing);
    }

    /// <summary>
    /// The noise distribution of the ids in <paramref name="pairs"/> (the pretraining pairs, i.e. the train part only),
    /// over <paramref name="vocabulary"/>'s id space: ids that occur only in validation or test get the pseudo-count alone.
    /// </summary>
    public static FeatureNoiseDistribution FromPairs(FeatureVocabulary vocabulary, IEnumerable<FeatureStore.Text.TextTabularPair> pairs, double smoothing = 1.0)
    {
        var counts = new long[vocabulary.Count];
        var fieldOf = new int[vocabulary.Count];
        for (var id = 0; id < vocabulary.Count; id++) fieldOf[id] = vocabulary.FieldOf(id);
        foreach (var pair in pairs)
            foreach (var id in pair.FeatureIds)
                if ((uint)id < (uint)counts.Length) counts[id]++;
        return new FeatureNoiseDistribution(counts, fieldOf, vocabulary.Schema.FieldCount, smoothing);
    }

    public int VocabularySize { get; }
    public int FieldCount { get; }

    /// <summary>q(id) within its field; 0 for reserved ids.</summary>
    public double ProbabilityOf(int id) => _probability[id];

    /// <summary>q for every id (index = id), for noise-corrected logits on the device.</summary>
    public IReadOnlyList<double> Probabilities => _probability;

    public int SampleFromField(int field, Random random)
    {
        var sampler = _samplers[field] ?? throw new InvalidOperationException($"field {field} has no feature ids to sample");
        return _fieldIds[field][sampler.Sample(random)];
    }

    public bool FieldHasIds(int field) => _samplers[field] is not null;
}
