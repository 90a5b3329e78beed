namespace Flip.Cli.Tests;

/// <summary>`bench flip-seeds`: the DCNv2 baseline trains like FLIP_ID's finetuning unless told otherwise (issue 12, point 4).</summary>
public class BenchFlipSeedsOptionsTests
{
    static BenchFlipSeedsCommand.Settings Settings(int? baselineBatch = null, int? baselineEpochs = null, double? headLr = null, string ablation = "none") =>
        new("movielens-1m", ".", null, 2500, null, null, 1, "bert-base-uncased", [1, 2, 3], PretrainEpochs: 1, FinetuneEpochs: 3, PretrainLr: 5e-5,
            FinetuneLr: 2e-3, PlmLr: 5e-5, PretrainHeadLr: headLr, IclPooling: Flip.Trainer.Alignment.IclTextPooling.Cls,
            FinetuneSchedule: Flip.Trainer.Alignment.FlipLearningRateSchedule.Constant, Ablation: ablation, PretrainBatchSize: 64, BatchSize: 64, BaselineBatchSize: baselineBatch,
            BaselineEpochs: baselineEpochs, MaxLength: 80, Resamples: 100, Threads: 1);

    [Fact]
    public void Baseline_takes_the_finetuning_batch_epochs_and_learning_rate_by_default()
    {
        var o = BenchFlipSeedsCommand.ExperimentOptions(Settings(), "cpu");
        Assert.Equal(o.Finetuning.BatchSize, o.IdTraining.BatchSize);
        Assert.Equal(o.Finetuning.Epochs, o.IdTraining.MaxEpochs);
        Assert.Equal(o.Finetuning.LearningRate, o.IdTraining.LearningRate);
        Assert.Equal(o.Finetuning.Patience, o.IdTraining.Patience);
        Assert.Null(o.Pretraining.HeadLearningRate); // the paper's single pretraining rate unless asked
        Assert.Equal(Flip.Trainer.Alignment.FlipLearningRateSchedule.Constant, o.Finetuning.Schedule); // DCNv2's constant Adam rate
        Assert.Equal(Flip.Trainer.Alignment.FlipAblation.None, o.Pretraining.Ablation);
        Assert.Equal("flip-movielens-1m", BenchFlipSeedsCommand.ReportStem(Settings()));
    }

    [Fact]
    public void An_ablation_pretrains_that_variant_and_writes_its_own_report()
    {
        var s = Settings(ablation: "no-mtm");
        Assert.Equal(Flip.Trainer.Alignment.FlipAblation.WithoutMtm, BenchFlipSeedsCommand.ExperimentOptions(s, "cpu").Pretraining.Ablation);
        Assert.Equal("flip-movielens-1m-no-mtm", BenchFlipSeedsCommand.ReportStem(s));
    }

    [Fact]
    public void Baseline_batch_epochs_and_the_pretraining_head_rate_can_be_set()
    {
        var o = BenchFlipSeedsCommand.ExperimentOptions(Settings(baselineBatch: 1024, baselineEpochs: 5, headLr: 1e-3), "cpu");
        Assert.Equal(1024, o.IdTraining.BatchSize);
        Assert.Equal(5, o.IdTraining.MaxEpochs);
        Assert.Equal(64, o.Finetuning.BatchSize);
        Assert.Equal(1e-3, o.Pretraining.HeadLearningRate);
        Assert.Equal(5e-5, o.Pretraining.LearningRate);
    }
}
