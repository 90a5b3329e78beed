using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;
using Flip.FeatureStore.Vocabulary;
using Flip.Trainer.IdModels;
using static TorchSharp.torch;

namespace Flip.Scorer.Models;

/// <summary>
/// The fast path: an ID-zoo model (or FLIP_ID, the ID side of a FLIP checkpoint). Events are encoded through the model's
/// vocabulary (a value never seen maps to its field's unknown id) straight into one preallocated int64 input tensor (through a reused host buffer), so
/// a forward pass allocates only the model's own intermediates. CTR = sigmoid(logit) computed as the trainer's evaluator does.
/// </summary>
public sealed class IdScoringModel : IScoringModel
{
    private readonly CtrModel _model;
    private readonly FeatureVocabulary _vocabulary;
    private readonly Tensor _input;
    private readonly long[] _host;
    private readonly int[] _row;
    private readonly int _capacity;
    private readonly int _fields;

    public IdScoringModel(CtrModel model, FeatureVocabulary vocabulary, int maxBatchSize)
    {
        _model = model;
        _vocabulary = vocabulary;
        _fields = vocabulary.Schema.FieldCount;
        _capacity = maxBatchSize;
        _model.eval();
        _input = zeros([maxBatchSize, _fields], ScalarType.Int64);
        _host = new long[maxBatchSize * _fields];
        _row = new int[_fields];
    }

    public DatasetSchema Schema => _vocabulary.Schema;
    public bool BenefitsFromBatching => false;
    public bool ScoresConcurrently => false;
    public FeatureVocabulary Vocabulary => _vocabulary;
    public CtrModel Model => _model;

    public void Score(IReadOnlyList<ClickEvent> events, Span<double> ctr)
    {
        int n = events.Count;
        if (n > _capacity) throw new ArgumentException($"{n} events exceed the batch capacity {_capacity}.", nameof(events));
        if (n == 0) return;
        for (int i = 0; i < n; i++)
        {
            _vocabulary.Encode(events[i], _row);
            for (int f = 0; f < _fields; f++) _host[i * _fields + f] = _row[f];
        }
        // Rows are padded up to a power of two: libtorch's CPU kernels (oneDNN) build a primitive per input shape, which
        // costs milliseconds the first time, so a handful of shapes that the warm-up covers beat up to 64 distinct ones.
        int rows = PaddedRows(n, _capacity);
        using var inference = inference_mode();
        using (var input = _input.data<long>()) input.CopyFrom(_host.AsSpan(0, rows * _fields), 0, 0);
        using var scope = NewDisposeScope();
        var output = _model.call(_input.narrow(0, 0, rows));
        var logits = output.Logit.data<float>();
        for (int i = 0; i < n; i++) ctr[i] = 1f / (1f + MathF.Exp(-logits[i]));
    }

    /// <summary>The batch sizes a forward pass runs at: powers of two up to the capacity, and the capacity.</summary>
    public static int PaddedRows(int events, int capacity) => Math.Min(capacity, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(events, 1)));

    public void Dispose()
    {
        _input.Dispose();
        _model.Dispose();
    }
}
