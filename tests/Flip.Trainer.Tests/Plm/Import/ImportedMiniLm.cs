using Flip.Trainer.Plm.Import;
using Flip.Trainer.Plm.Import.Onnx;

namespace Flip.Trainer.Tests.Plm.Import;

/// <summary>
/// One import of the package's MiniLM per test run (a temp folder, deleted when the test process exits), and the
/// package's parsed model.onnx for the tests that mutate it: importing takes seconds, so tests share it.
/// </summary>
internal static class ImportedMiniLm
{
    static readonly Lazy<MiniLmPackage> LazyPackage = new(MiniLmPackage.Open);
    static readonly Lazy<byte[]> LazyModelBytes = new(() => Package.ReadModel());
    static readonly Lazy<string> LazyFolder = new(ImportOnce);

    public static MiniLmPackage Package => LazyPackage.Value;

    /// <summary>The original model.onnx bytes (the ONNX Runtime reference runs these).</summary>
    public static byte[] ModelBytes => LazyModelBytes.Value;

    /// <summary>A fresh parse of model.onnx (tests mutate it).</summary>
    public static ModelProto ParseModel() => PlmImporter.ParseModel(ModelBytes, "model.onnx");

    /// <summary>The imported Hugging Face folder.</summary>
    public static string Folder => LazyFolder.Value;

    static string ImportOnce()
    {
        var root = Directory.CreateTempSubdirectory("flip-minilm-test-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } // best effort at exit
        };
        return PlmImporter.Import(Path.Combine(root, "minilm"), Package).Directory;
    }
}
