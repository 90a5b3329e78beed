using Flip.FeatureStore.Events;
using Flip.FeatureStore.Schema;
using Flip.FeatureStore.Text;
using Flip.Registry;
using Flip.Trainer.Alignment;
using Flip.Trainer.Checkpoints;
using Flip.Trainer.IdModels;
using Flip.Trainer.Plm;

namespace Flip.Scorer.Models;

/// <summary>
/// Turns a registry version into a <see cref="ServedModel"/>: verifies every sha256 (<see cref="ModelRegistry.Open"/>),
/// resolves the schema, loads the checkpoint of its kind, checks the vocabulary against the manifest, and warms it up by
/// scoring events of unseen values at every padded batch size (the scores must be finite probabilities). Throws
/// <see cref="CorruptModelException"/> or <see cref="IncompatibleModelException"/>; a partly loaded model is freed.
/// </summary>
public sealed class ModelLoader(ModelRegistry registry, ScorerOptions options)
{
    public ModelRegistry Registry => registry;

    public ServedModel Load(string version)
    {
        var published = registry.Open(version);
        var manifest = published.Manifest;
        var schema = ModelSchemas.Resolve(published.Directory, version, manifest.Dataset);
        IScoringModel model;
        try
        {
            model = Build(published, schema);
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException or DirectoryNotFoundException or ArgumentException
                                      or Flip.Trainer.Safetensors.SafetensorsFormatException or InvalidOperationException)
        {
            throw new IncompatibleModelException(version, e.Message);
        }
        try
        {
            WarmUp(version, model, schema);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        return new ServedModel(published, model);
    }

    private IScoringModel Build(PublishedModel published, DatasetSchema schema)
    {
        var manifest = published.Manifest;
        string kind = manifest.Kind;
        if (kind == ModelKinds.FlipId) return IdModel(Path.Combine(published.Directory, FlipCheckpoint.IdFolder), schema, manifest);
        if (ModelKinds.IsFlip(kind)) return PlmModel(published.Directory, schema, manifest);
        if (!CtrModelFactory.Names.Contains(kind, StringComparer.OrdinalIgnoreCase))
            throw new IncompatibleModelException(manifest.Version, $"unknown kind '{kind}' (ID-zoo names: {string.Join(", ", CtrModelFactory.Names)}; or {ModelKinds.FlipId}, {ModelKinds.Flip}, {ModelKinds.FlipPlm})");
        return IdModel(published.Directory, schema, manifest);
    }

    private IScoringModel IdModel(string directory, DatasetSchema schema, ModelManifest manifest)
    {
        var checkpoint = IdCheckpoint.Load(directory, schema);
        try
        {
            CheckVocabulary(manifest, checkpoint.Vocabulary.Version);
            if (options.ManagedIdForward && checkpoint.Model is DcnV2Model dcn)
            {
                // The weights are copied out once; the TorchSharp model is freed right here, on the loader thread.
                var forward = new DcnV2Forward(dcn);
                checkpoint.Model.Dispose();
                return new ManagedIdScoringModel(forward, checkpoint.Vocabulary);
            }
            return new IdScoringModel(checkpoint.Model, checkpoint.Vocabulary, options.MaxBatchSize);
        }
        catch
        {
            checkpoint.Model.Dispose();
            throw;
        }
    }

    private FlipPlmScoringModel PlmModel(string directory, DatasetSchema schema, ModelManifest manifest)
    {
        var loaded = FlipCheckpoint.Load(directory, schema);
        try
        {
            CheckVocabulary(manifest, loaded.Id.Vocabulary.Version);
            if (loaded.Manifest.Stage != "finetuned")
                throw new IncompatibleModelException(manifest.Version, $"the FLIP checkpoint is '{loaded.Manifest.Stage}', not finetuned (no CTR head)");
            var mode = manifest.Kind == ModelKinds.FlipPlm ? FlipFinetuneMode.FlipPlm : FlipFinetuneMode.Flip;
            var model = new FlipFinetuneModel(loaded.Plm.Model, new CtrModelIdEncoder(loaded.Id.Model), mode);
            FlipCheckpoint.LoadHeads(directory, model);
            int maxLength = Math.Min(options.PlmMaxLength, loaded.Plm.Config.MaxPositionEmbeddings);
            var tokenizer = BertWordPieceTokenizer.Load(Path.Combine(directory, FlipCheckpoint.PlmFolder, BertCheckpoint.VocabFile));
            var pairs = new TextTabularPairBuilder(schema, loaded.Id.Vocabulary, tokenizer, new TextPairOptions { MaxLength = maxLength });
            return new FlipPlmScoringModel(model, loaded.Plm, pairs, options.MaxBatchSize);
        }
        catch
        {
            loaded.Id.Model.Dispose();
            loaded.Plm.Dispose();
            throw;
        }
    }

    private static void CheckVocabulary(ModelManifest manifest, long vocabularyVersion)
    {
        if (manifest.VocabularyVersion != 0 && manifest.VocabularyVersion != vocabularyVersion)
            throw new IncompatibleModelException(manifest.Version,
                $"the manifest names vocabulary version {manifest.VocabularyVersion} but the checkpoint holds version {vocabularyVersion}");
    }

    private void WarmUp(string version, IScoringModel model, DatasetSchema schema)
    {
        var unseen = new ClickEvent("warm-up", DateTime.UnixEpoch, schema.Fields.Select(f => $"<warm-up {f.Name}>").ToArray(), 0);
        var scores = new double[options.MaxBatchSize];
        // Every padded batch size once (1, 2, 4, ..., MaxBatchSize), so no request pays for a shape's first run.
        for (int size = 1; ; size = Math.Min(size * 2, options.MaxBatchSize))
        {
            model.Score(Enumerable.Repeat(unseen, size).ToArray(), scores.AsSpan(0, size));
            if (size == options.MaxBatchSize) break;
        }
        foreach (var s in scores)
            if (!double.IsFinite(s) || s < 0 || s > 1) throw new IncompatibleModelException(version, $"warm-up produced the score {s}, not a probability");
    }
}
