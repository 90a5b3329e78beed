using Flip.Demo.Workers;

namespace Flip.Demo.Tests.Workers;

/// <summary>The demo's model options reach the trainer as the keys it reads (Trainer:PretrainEvery, PretrainWindow, PlmLayers).</summary>
public class DemoWorkersConfigurationTests
{
    static Dictionary<string, string?> For(DemoOptions options) =>
        DemoWorkers.Configuration(options, "127.0.0.1:9092", "/tmp/store", "/tmp/registry", 8080);

    [Fact]
    public void The_default_flip_id_model_gets_periodic_pretraining_on_the_one_layer_plm()
    {
        var c = For(new DemoOptions());
        Assert.Equal("flip-id", c["Trainer:Model"]);
        Assert.Equal("100000", c["Trainer:PretrainEvery"]);
        Assert.Equal("2000", c["Trainer:PretrainWindow"]);
        Assert.Equal("1", c["Trainer:PlmLayers"]);
    }

    [Fact]
    public void An_id_zoo_model_gets_no_pretraining_keys_which_the_trainer_would_refuse()
    {
        var c = For(new DemoOptions { Model = "dcnv2" });
        Assert.Equal("dcnv2", c["Trainer:Model"]);
        Assert.False(c.ContainsKey("Trainer:PretrainEvery"));
        Assert.False(c.ContainsKey("Trainer:PlmLayers"));
    }

    [Fact]
    public void Settings_given_with_set_win_over_the_demo_options()
    {
        var options = new DemoOptions { PretrainEvery = "50000" };
        options.Settings["Trainer:PretrainEvery"] = "7000";
        Assert.Equal("7000", For(options)["Trainer:PretrainEvery"]);
    }
}
