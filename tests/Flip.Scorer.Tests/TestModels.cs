using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;
using Flip.FeatureStore.Text;
using Flip.FeatureStore.Vocabulary;
using Flip.Registry;
using Flip.Trainer.Alignment;
using Flip.Trainer.Checkpoints;
using Flip.Trainer.IdModels;
using Flip.Trainer.Plm;
using Flip.Trainer.Training;

namespace Flip.Scorer.Tests;

/// <summary>Trains small real models with TorchSharp and publishes them with the registry library, as the online trainer will.</summary>
internal static class TestModels
{
    public static IdModelOptions SmallId => new() { EmbeddingSize = 8, HiddenUnits = [32, 16], DcnV2 = new DcnV2Options { CrossLayers = 1, LowRank = 8, Experts = 2 } };

    /// <summary>A DCNv2 trained for a few epochs on <paramref name="events"/> (labels as given), with the vocabulary built from them.</summary>
    public static (CtrModel Model, FeatureVocabulary Vocabulary) TrainDcnV2(IReadOnlyList<ClickEvent> events, int seed = 3, int epochs = 3, DatasetSchema? schema = null)
    {
        var vocabulary = FeatureVocabulary.Build(schema ?? MovieLensLikeEvents.Schema, events);
        var samples = EncodedDataset.Encode(events, vocabulary);
        var options = new IdTrainingOptions { Threads = 1, MaxEpochs = epochs, Patience = epochs, BatchSize = 128, LearningRate = 1e-2, Seed = seed, PrefetchBatches = 1 };
        IdModelTrainer.PrepareTorch(options);
        var model = CtrModelFactory.Create("dcnv2", vocabulary.Count, vocabulary.Schema.FieldCount, SmallId);
        new IdModelTrainer(options).Train(model, samples, samples);
        model.eval();
        return (model, vocabulary);
    }

    public static ModelManifest Manifest(string kind, FeatureVocabulary vocabulary, string name = "test-model") => new()
    {
        ModelName = name,
        Kind = kind,
        Dataset = vocabulary.Schema.Name,
        VocabularyVersion = vocabulary.Version,
    };

    public static PublishedModel PublishId(ModelRegistry registry, CtrModel model, FeatureVocabulary vocabulary) =>
        registry.Publish(Manifest("dcnv2", vocabulary), staging => IdCheckpoint.Save(staging, model, vocabulary));

    /// <summary>A small FLIP model (random tiny BERT with the bert-base-uncased vocabulary, a DCNv2) finetuned one epoch in <paramref name="mode"/>.</summary>
    public static (FlipFinetuneModel Model, BertCheckpoint Plm, FeatureVocabulary Vocabulary, TextTabularPairBuilder Pairs) TrainFlip(
        IReadOnlyList<ClickEvent> events, FlipFinetuneMode mode, int maxLength = 64)
    {
        var (id, vocabulary) = TrainDcnV2(events, epochs: 1);
        TorchSharp.torch.manual_seed(5);
        var plm = BertCheckpoint.CreateRandom(new BertConfig { HiddenSize = 32, NumHiddenLayers = 1, NumAttentionHeads = 2, IntermediateSize = 64, MaxPositionEmbeddings = 128 },
            BertVocabulary.Load(RepoPaths.BertVocab));
        var model = new FlipFinetuneModel(plm.Model, new CtrModelIdEncoder(id), mode);
        var pairs = new TextTabularPairBuilder(vocabulary.Schema, vocabulary, BertWordPieceTokenizer.Load(RepoPaths.BertVocab), new TextPairOptions { MaxLength = maxLength });
        var train = events.Take(256).Select(pairs.Build).ToList();
        new FlipFinetuner(model, new FlipFinetuningOptions { Mode = mode, Epochs = 1, BatchSize = 64, LearningRate = 1e-3, Device = "cpu" }).Train(train);
        model.eval();
        return (model, plm, vocabulary, pairs);
    }

    public static PublishedModel PublishFlip(ModelRegistry registry, FlipFinetuneModel model, BertCheckpoint plm, FeatureVocabulary vocabulary, string kind) =>
        registry.Publish(Manifest(kind, vocabulary) with { Plm = new PlmIdentity("tiny-random", plm.Config.NumHiddenLayers, "") },
            staging => FlipCheckpoint.SaveFinetuned(staging, model, plm.Vocabulary, vocabulary, new FlipCheckpointManifest { Dataset = vocabulary.Schema.Name, PlmSource = plm.Source }));
}
