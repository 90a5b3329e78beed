using Flip.FeatureStore.Events;
using Flip.Trainer.Alignment;
using Flip.Trainer.Experiments;
using Flip.Trainer.IdModels;

namespace Flip.Trainer.Tests.Experiments;

/// <summary>
/// Small real FLIP runs: synthetic click events, the real BERT WordPiece vocabulary, a random bert-tiny PLM and a small
/// DCNv2, so a pretraining run takes seconds. Holds one pretrained checkpoint the warm-start tests continue from.
/// </summary>
public sealed class FlipExperimentFixture : IDisposable
{
    public const int MaxLength = 32;
    public static readonly FlipPlmSource Plm = new(null, RepoPaths.BertVocab, "bert-tiny");
    public static IdModelOptions IdModel => new() { EmbeddingSize = 8, HiddenUnits = [16] };
    public static FlipHeadOptions Heads => new() { ProjectionSize = 16, MtmEmbeddingSize = 8, NoiseSamples = 5 };
    public static FlipPretrainingOptions Pretraining => new() { Epochs = 1, BatchSize = 32, Device = "cpu", Heads = Heads };
    public static FlipFinetuningOptions Finetuning => new() { Epochs = 1, BatchSize = 32, LearningRate = 1e-3, Device = "cpu" };

    public FlipExperimentFixture()
    {
        Events = SyntheticEvents.Generate(600, seed: 3);
        Directory.CreateDirectory(Root);
        using var plm = Plm.Load(TorchSharp.torch.CPU);
        Data = FlipData.Create(SyntheticEvents.Schema, Events, vocabulary: null, plm.Vocabulary.Source, MaxLength);
        Pretrained = FlipPretrainRun.TrainAndSave(plm, Data, "dcnv2", Pretraining, PretrainedDir, idModelOptions: IdModel);
    }

    public List<ClickEvent> Events { get; }
    public FlipData Data { get; }
    public FlipPretrainingReport Pretrained { get; }
    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"flip-experiment-tests-{Guid.NewGuid():N}");
    public string PretrainedDir => Path.Combine(Root, "pretrained");

    public void Dispose()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}
