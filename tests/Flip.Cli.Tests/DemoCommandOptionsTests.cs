using Flip.Demo;

namespace Flip.Cli.Tests;

/// <summary>`flip demo` binds its options to <see cref="DemoOptions"/>: defaults from DemoOptions itself, --quick from DemoOptions.Quick(), explicit options win.</summary>
public class DemoCommandOptionsTests
{
    static DemoOptions Bind(params string[] args)
    {
        DemoOptions? bound = null;
        var code = DemoCommand.Create((options, _, _) =>
        {
            bound = options;
            return Task.FromResult(0);
        }).Parse(args).Invoke();
        Assert.Equal(0, code);
        return bound!;
    }

    [Fact]
    public void Without_options_the_run_has_DemoOptions_defaults()
    {
        var bound = Bind();
        var defaults = new DemoOptions();
        Assert.Equal(defaults.Model, bound.Model);
        Assert.Equal(defaults.PretrainEvery, bound.PretrainEvery);
        Assert.Equal(defaults.PlmLayers, bound.PlmLayers);
        Assert.Equal(defaults.TrainerWindow, bound.TrainerWindow);
        Assert.Equal(defaults.LiveDuration, bound.LiveDuration);
        Assert.Equal(defaults.BackfillFraction, bound.BackfillFraction);
        Assert.Equal(0, bound.Limit);
    }

    [Fact]
    public void Quick_takes_the_quick_profile_unless_an_option_is_given()
    {
        var quick = DemoOptions.Quick();
        var bound = Bind("--quick");
        Assert.Equal(quick.Limit, bound.Limit);
        Assert.Equal(quick.LiveDuration, bound.LiveDuration);
        Assert.Equal(quick.TrainerWindow, bound.TrainerWindow);
        Assert.Equal(quick.PretrainEvery, bound.PretrainEvery);

        var explicitOnes = Bind("--quick", "--window", "300", "--live-seconds", "12", "--pretrain-every", "", "--limit", "9000");
        Assert.Equal("300", explicitOnes.TrainerWindow);
        Assert.Equal(TimeSpan.FromSeconds(12), explicitOnes.LiveDuration);
        Assert.Equal("", explicitOnes.PretrainEvery);
        Assert.Equal(9000, explicitOnes.Limit);
    }
}
