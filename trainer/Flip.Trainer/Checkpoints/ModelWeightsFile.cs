using TorchSharp;

namespace Flip.Trainer.Checkpoints;

/// <summary>
/// The one place that writes and reads model weights, so the on-disk format can be swapped here alone
/// (TorchSharp's own format today; safetensors once a writer lands). Shapes are checked by the caller first.
/// </summary>
public static class ModelWeightsFile
{
    /// <summary>File name of the weights inside a checkpoint folder.</summary>
    public const string FileName = "weights.bin";

    public static void Save(torch.nn.Module module, string path)
    {
        var tmp = path + ".tmp";
        module.save(tmp);
        File.Move(tmp, path, overwrite: true);
    }

    public static void Load(torch.nn.Module module, string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Model weights not found: {path}", path);
        module.load(path, strict: true);
    }
}
