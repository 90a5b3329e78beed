using System.Security.Cryptography;
using System.Text.Json;
using Flip.Trainer.Plm.Import.Onnx;
using static TorchSharp.torch;

namespace Flip.Trainer.Plm.Import;

/// <summary>What an import wrote: the folder, the inferred config, where the weights came from.</summary>
public sealed record PlmImportResult(string Directory, BertConfig Config, string Model, string PackageAssembly, string OnnxSha256, int TensorCount, int VocabularySize);

/// <summary>
/// Imports the pretrained MiniLM of <see cref="MiniLmPackage"/> into a Hugging Face BERT folder (config.json,
/// vocab.txt, model.safetensors) that <see cref="BertCheckpoint.Load"/> reads, plus <see cref="ProvenanceFile"/>.
/// <para>
/// The export has no MLM head, so the head is new: its transform (dense + GELU + LayerNorm) and its per-token bias are
/// freshly initialised the way Hugging Face's BertPreTrainedModel does (N(0, 0.02), zero bias, unit LayerNorm, seed
/// <see cref="HeadSeed"/> so two imports write the same bytes), and its decoder is tied to the pretrained word
/// embeddings (as in every BERT MLM head), so MLM starts from pretrained token geometry.
/// </para>
/// The folder is written in a temporary sibling and renamed into place, with the provenance file last, so a folder
/// that has <see cref="ProvenanceFile"/> is complete.
/// </summary>
public static class PlmImporter
{
    /// <summary>Written last: package, ONNX hash and what was made up (the MLM head).</summary>
    public const string ProvenanceFile = "flip-import.json";
    public const int HeadSeed = 20240614;

    /// <summary>Imports into <paramref name="directory"/>, which must not exist or be empty.</summary>
    public static PlmImportResult Import(string directory, MiniLmPackage? package = null)
    {
        directory = Path.GetFullPath(directory);
        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
            throw new IOException($"{directory} exists and is not empty: import into a new folder");
        package ??= MiniLmPackage.Open();
        var bytes = package.ReadModel();
        var source = $"{package.AssemblyPath}!{MiniLmPackage.ModelResource}";
        var model = ParseModel(bytes, source);
        var vocabulary = new BertVocabulary(package.ReadVocabulary(), $"{package.AssemblyPath}!{MiniLmPackage.VocabResource}");
        var parent = Path.GetDirectoryName(directory)!;
        Directory.CreateDirectory(parent);
        var temp = Path.Combine(parent, $".{Path.GetFileName(directory)}.import-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            var result = WriteFolder(model, vocabulary, source, temp) with { PackageAssembly = package.AssemblyPath, OnnxSha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)) };
            WriteProvenance(temp, result);
            if (Directory.Exists(directory)) Directory.Delete(directory); // empty, checked above
            Directory.Move(temp, directory);
            return result with { Directory = directory };
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
    }

    /// <summary>Parses an ONNX model with Google.Protobuf and the schema compiled from onnx.proto.</summary>
    public static ModelProto ParseModel(byte[] bytes, string source)
    {
        try
        {
            return ModelProto.Parser.ParseFrom(bytes);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"{source}: not an ONNX model ({e.Message})", e);
        }
    }

    /// <summary>Maps <paramref name="model"/> onto BertForMaskedLM (refusing what does not fit) and saves the folder.</summary>
    public static PlmImportResult WriteFolder(ModelProto model, BertVocabulary vocabulary, string source, string directory)
    {
        using var weights = OnnxBertGraph.Read(model, source);
        var config = weights.Config;
        if (vocabulary.Count != config.VocabSize)
            throw new InvalidDataException($"{source}: the vocabulary has {vocabulary.Count} tokens but the word embeddings have {config.VocabSize} rows");
        manual_seed(HeadSeed);
        using var bert = new BertForMaskedLM(config);
        var warnings = BertCheckpoint.LoadWeights(bert, weights.Tensors, source);
        // The only tensors the export may lack are the MLM head's (made up above, by design); anything else unmapped is a misfit.
        var unexpected = warnings.Where(w => !w.Contains("left randomly initialised", StringComparison.Ordinal)).ToList();
        if (unexpected.Count > 0) throw new InvalidDataException($"{source}: not an ONNX BERT encoder this importer can map: {string.Join("; ", unexpected)}");
        BertCheckpoint.Save(bert, vocabulary, directory);
        return new PlmImportResult(directory, config, MiniLmPackage.ModelName, "", "", weights.Tensors.Count, vocabulary.Count);
    }

    static void WriteProvenance(string directory, PlmImportResult result)
    {
        var provenance = new
        {
            model = result.Model,
            package = $"{MiniLmPackage.PackageId} {MiniLmPackage.PackageVersion}",
            resource = MiniLmPackage.ModelResource,
            onnxSha256 = result.OnnxSha256,
            importedTensors = result.TensorCount,
            mlmHead = $"new: transform N(0, {result.Config.InitializerRange}) weights, zero biases, unit LayerNorm (seed {HeadSeed}); decoder tied to the pretrained word embeddings",
        };
        var path = Path.Combine(directory, ProvenanceFile);
        using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        {
            JsonSerializer.Serialize(stream, provenance, new JsonSerializerOptions { WriteIndented = true });
            stream.Flush(flushToDisk: true);
        }
    }
}
