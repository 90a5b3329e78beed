using Flip.Trainer.Plm;
using Spectre.Console;
using TorchSharp;

namespace Flip.Cli;

/// <summary>Loads --plm, or the default random TinyBERT-shaped model, and says loudly which one it is.</summary>
internal static class FlipPlmLoader
{
    public static BertCheckpoint Load(string? folder, string vocab, string shape, torch.Device device, IAnsiConsole err)
    {
        var plm = folder is null
            ? BertCheckpoint.CreateDefault(PairCliOptions.ResolveVocab(vocab), device, BertConfig.Shape(shape))
            : BertCheckpoint.Load(folder, device);
        foreach (var warning in plm.Warnings)
            err.MarkupLine(plm.IsRandomlyInitialised ? $"[bold red]WARNING: {Markup.Escape(warning)}[/]" : $"[yellow]warning:[/] {Markup.Escape(warning)}");
        return plm;
    }
}
