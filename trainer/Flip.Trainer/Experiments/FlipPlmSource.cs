using Flip.Trainer.Plm;
using TorchSharp;

namespace Flip.Trainer.Experiments;

/// <summary>Which PLM a FLIP run starts from: a Hugging Face BERT folder, or a RANDOMLY initialised model of a named shape.</summary>
/// <param name="Folder">Hugging Face BERT folder (config.json, vocab.txt, model.safetensors), or null for a random model.</param>
/// <param name="VocabPath">WordPiece vocabulary of the random model (ignored when <paramref name="Folder"/> is given).</param>
/// <param name="Shape">Shape of the random model: tinybert, bert-tiny or bert-base.</param>
public sealed record FlipPlmSource(string? Folder, string VocabPath, string Shape = "tinybert")
{
    /// <summary>
    /// Loads the PLM onto <paramref name="device"/>. Its <see cref="BertCheckpoint.Warnings"/> say what was not loaded;
    /// <see cref="BertCheckpoint.IsRandomlyInitialised"/> must be shown loudly by whoever reports results.
    /// </summary>
    public BertCheckpoint Load(torch.Device device) => Folder is null
        ? BertCheckpoint.CreateDefault(VocabPath, device, BertConfig.Shape(Shape))
        : BertCheckpoint.Load(Folder, device);
}
