using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;
using Flip.FeatureStore.Text;
using Flip.Trainer.Alignment;
using Flip.Trainer.Plm;
using static TorchSharp.torch;

namespace Flip.Scorer.Models;

/// <summary>
/// FLIP (a·ID logit + (1−a)·PLM logit) or FLIP_PLM: each event becomes its text-tabular pair ("&lt;field&gt; is
/// &lt;value&gt;. " tokenized with the checkpoint's own WordPiece vocabulary, and the feature ids), the whole micro-batch
/// runs in one forward pass, cut to its longest text. CTR = sigmoid(logit) as <see cref="FlipFinetuner.Predict"/> computes it.
/// </summary>
public sealed class FlipPlmScoringModel : IScoringModel
{
    private readonly FlipFinetuneModel _model;
    private readonly BertCheckpoint _plm;
    private readonly TextTabularPairBuilder _pairs;
    private readonly int _capacity;

    public FlipPlmScoringModel(FlipFinetuneModel model, BertCheckpoint plm, TextTabularPairBuilder pairs, int maxBatchSize)
    {
        _model = model;
        _plm = plm;
        _pairs = pairs;
        _capacity = maxBatchSize;
        _model.eval();
    }

    public DatasetSchema Schema => _pairs.Schema;
    public bool BenefitsFromBatching => true;
    public bool ScoresConcurrently => false;
    public FlipFinetuneModel Model => _model;
    public TextTabularPairBuilder Pairs => _pairs;

    public void Score(IReadOnlyList<ClickEvent> events, Span<double> ctr)
    {
        int n = events.Count;
        if (n > _capacity) throw new ArgumentException($"{n} events exceed the batch capacity {_capacity}.", nameof(events));
        if (n == 0) return;
        var pairs = new TextTabularPair[n];
        for (int i = 0; i < n; i++) pairs[i] = _pairs.Build(events[i]);
        using var inference = inference_mode();
        using var scope = NewDisposeScope();
        using var batch = FlipBatch.Create(pairs, CPU);
        using var prediction = _model.call(batch);
        var probabilities = prediction.Logit.sigmoid().data<float>();
        for (int i = 0; i < n; i++) ctr[i] = probabilities[i];
    }

    public void Dispose()
    {
        _model.Dispose();
        _plm.Dispose();
    }
}
