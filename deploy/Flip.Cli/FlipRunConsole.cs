using Flip.Trainer.Experiments;
using Spectre.Console;

namespace Flip.Cli;

/// <summary>Console plumbing of the FLIP commands: rendering a run's progress on stderr.</summary>
internal static class FlipRunConsole
{
    /// <summary>Progress lines in grey, warnings loud (a random PLM in bold red), on <paramref name="err"/>.</summary>
    public static FlipRunObserver Observer(IAnsiConsole err) => new()
    {
        Log = line => err.MarkupLine($"[grey]{Markup.Escape(line)}[/]"),
        Warning = line => err.MarkupLine($"[bold red]WARNING: {Markup.Escape(line)}[/]"),
        Pretraining = p =>
        {
            var every = Math.Max(1, p.TotalSteps / 20);
            if (p.Step % every == 0 || p.Step == p.TotalSteps)
                err.MarkupLine($"[grey]epoch {p.Epoch} step {p.Step}/{p.TotalSteps}: loss {p.Loss:0.0000} (MLM {Fmt(p.Mlm)}, MTM {Fmt(p.Mtm)}, ICL {Fmt(p.Icl)}) lr {p.LearningRate:0.##E+0}[/]");
        },
        Finetuning = s =>
        {
            if (s.Step % 50 == 0) err.MarkupLine($"[grey]{s.Mode} epoch {s.Epoch} step {s.Step}: loss {s.Loss:0.0000} a {s.Alpha:0.000}[/]");
        },
    };

    public static string Fmt(double? v) => v is { } x ? x.ToString("0.0000") : "off";
}
