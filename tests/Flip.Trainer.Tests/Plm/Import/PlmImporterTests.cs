using System.Text.Json.Nodes;
using Flip.Trainer.Plm;
using Flip.Trainer.Plm.Import;
using Flip.Trainer.Plm.Import.Onnx;
using Flip.Trainer.Safetensors;

namespace Flip.Trainer.Tests.Plm.Import;

public sealed class PlmImporterTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("flip-import-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ImportWritesAHuggingFaceFolderThatBertCheckpointLoadsWithoutWarnings()
    {
        var folder = ImportedMiniLm.Folder;
        foreach (var file in new[] { "config.json", "vocab.txt", "model.safetensors", PlmImporter.ProvenanceFile })
            Assert.True(File.Exists(Path.Combine(folder, file)), file);

        using var plm = BertCheckpoint.Load(folder);
        Assert.Empty(plm.Warnings);
        Assert.False(plm.IsRandomlyInitialised);
        var c = plm.Config;
        Assert.Equal((30522, 384, 6, 12, 1536, 512, 2, "gelu", 1e-12),
            (c.VocabSize, c.HiddenSize, c.NumHiddenLayers, c.NumAttentionHeads, c.IntermediateSize, c.MaxPositionEmbeddings, c.TypeVocabSize, c.HiddenAct, c.LayerNormEps));

        // Every encoder tensor came from the graph: 6 layers x 16 + 5 embeddings + 2 pooler; the head is the 5 new ones.
        var names = SafetensorsFile.ReadHeader(Path.Combine(folder, "model.safetensors")).Entries.Select(e => e.Name).ToList();
        Assert.Equal(6 * 16 + 5 + 2 + 5, names.Count);
        Assert.Contains("bert.encoder.layer.5.attention.self.query.weight", names);
        Assert.Contains("cls.predictions.transform.dense.weight", names);
        var provenance = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, PlmImporter.ProvenanceFile)))!;
        Assert.Equal(6 * 16 + 5 + 2, provenance["importedTensors"]!.GetValue<int>());
        Assert.Contains("tied", provenance["mlmHead"]!.GetValue<string>());
    }

    [Fact]
    public void MatMulWeightsAreTransposedIntoLinearLayout()
    {
        // The graph stores query's weight [in, out]; the checkpoint must hold Linear's [out, in] = its transpose.
        var model = ImportedMiniLm.ParseModel();
        var graph = model.Graph;
        var add = graph.Node.Single(n => n.OpType == "Add" && n.Input.Contains("encoder.layer.0.attention.self.query.bias"));
        var matMulOutput = add.Input.Single(i => i != "encoder.layer.0.attention.self.query.bias");
        var weightName = graph.Node.Single(n => n.Output.Contains(matMulOutput)).Input[1];
        var raw = graph.Initializer.Single(t => t.Name == weightName);
        var stored = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(raw.RawData.Span);
        using var plm = BertCheckpoint.Load(ImportedMiniLm.Folder);
        var weight = plm.Model.state_dict()["bert.encoder.layer.0.attention.self.query.weight"];
        // weight[out, in] == stored[in * 384 + out]
        Assert.Equal(stored[3 * 384 + 7], weight[7, 3].item<float>());
        Assert.Equal(stored[100 * 384 + 250], weight[250, 100].item<float>());
    }

    [Fact]
    public void ImportIsDeterministicAndRefusesANonEmptyFolder()
    {
        var again = PlmImporter.Import(Path.Combine(_dir, "again"), ImportedMiniLm.Package);
        Assert.Equal(File.ReadAllBytes(Path.Combine(ImportedMiniLm.Folder, "model.safetensors")),
                     File.ReadAllBytes(Path.Combine(again.Directory, "model.safetensors")));
        var e = Assert.Throws<IOException>(() => PlmImporter.Import(again.Directory, ImportedMiniLm.Package));
        Assert.Contains("not empty", e.Message);
    }

    public static TheoryData<string> Mutations => ["renamed-bias", "reshaped-weight", "missing-layernorm", "unknown-float", "no-erf"];

    [Theory]
    [MemberData(nameof(Mutations))]
    public void GraphsThatDoNotFitAreRefusedWithTheReason(string mutation)
    {
        var model = ImportedMiniLm.ParseModel();
        var graph = model.Graph;
        string expected;
        switch (mutation)
        {
            case "renamed-bias":
                // The key projection's MatMul then feeds an Add with no recognisable bias: its weight cannot be named.
                Rename(graph, "encoder.layer.2.attention.self.key.bias", "encoder.layer.2.attention.self.kee.bias");
                expected = "does not feed exactly one Add with a named encoder bias";
                break;
            case "reshaped-weight":
                var weight = WeightOf(graph, "encoder.layer.1.intermediate.dense.bias");
                weight.Dims.Clear();
                weight.Dims.Add([768, 768]); // same bytes, shape that contradicts the 1536-wide bias
                expected = "encoder.layer.1.intermediate.dense.weight";
                break;
            case "missing-layernorm":
                graph.Initializer.Remove(graph.Initializer.Single(t => t.Name == "encoder.layer.3.output.LayerNorm.weight"));
                expected = "bert.encoder.layer.3.output.LayerNorm.weight";
                break;
            case "unknown-float":
                graph.Initializer.Add(new TensorProto { Name = "classifier.weight", DataType = 1, Dims = { 2 }, FloatData = { 1f, 2f } });
                expected = "classifier.weight";
                break;
            default:
                foreach (var n in graph.Node.Where(n => n.OpType == "Erf")) n.OpType = "Tanh";
                expected = "GELU";
                break;
        }
        var target = Path.Combine(_dir, mutation);
        var vocabulary = new BertVocabulary(ImportedMiniLm.Package.ReadVocabulary());
        var e = Assert.Throws<InvalidDataException>(() => PlmImporter.WriteFolder(model, vocabulary, "mutated.onnx", target));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("mutated.onnx:", e.Message);
        Assert.False(Directory.Exists(target));
    }

    static void Rename(GraphProto graph, string from, string to)
    {
        graph.Initializer.Single(t => t.Name == from).Name = to;
        foreach (var node in graph.Node)
            for (var i = 0; i < node.Input.Count; i++)
                if (node.Input[i] == from) node.Input[i] = to;
    }

    static TensorProto WeightOf(GraphProto graph, string bias)
    {
        var add = graph.Node.Single(n => n.OpType == "Add" && n.Input.Contains(bias));
        var matMul = graph.Node.Single(n => n.OpType == "MatMul" && add.Input.Contains(n.Output[0]));
        return graph.Initializer.Single(t => t.Name == matMul.Input[1]);
    }
}
