using System.CommandLine;
using Flip.Scorer;
using Microsoft.Extensions.Hosting;

namespace Flip.Cli;

/// <summary>`flip serve --registry DIR`: the scoring service (HTTP + Kafka, hot model swap) until Ctrl+C / SIGTERM.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var registry = new Option<DirectoryInfo>("--registry", "-r") { Description = "Model registry folder (default: Scorer:Registry, ./registry)" };
        var urls = new Option<string>("--urls") { Description = "Where to listen (default: Scorer:Urls, http://127.0.0.1:8080)" };
        var bootstrap = StreamingConfiguration.Bootstrap();
        var noKafka = new Option<bool>("--no-kafka") { Description = "HTTP only: no flip.requests / flip.models / flip.clicks consumers (registry polling still swaps models)" };
        var pin = new Option<string>("--pin") { Description = "Serve this version instead of PINNED / LATEST (default: Scorer:PinVersion, none)" };
        var threads = TorchCliOptions.ServiceThreads("Scorer:TorchThreads, 1");
        var cmd = new Command("serve", "Serve CTR scores from the newest verified model of a registry: POST /v1/score, flip.requests -> flip.scores, hot swap, live AUC");
        foreach (var o in new Option[] { registry, urls, bootstrap, noKafka, pin, threads }) cmd.Options.Add(o);
        cmd.SetAction(async (parse, ct) =>
        {
            var overrides = StreamingConfiguration.Overrides(parse.GetValue(bootstrap));
            if (parse.GetValue(registry) is { } r) overrides["Scorer:Registry"] = r.FullName;
            if (parse.GetValue(urls) is { } u) overrides["Scorer:Urls"] = u;
            if (parse.GetValue(noKafka)) overrides["Scorer:Kafka"] = "false";
            if (parse.GetValue(pin) is { } p) overrides["Scorer:PinVersion"] = p;
            if (parse.GetValue(threads) is { } n) overrides["Scorer:TorchThreads"] = n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            // ScorerApp configures torch through TorchRuntime from Scorer:TorchThreads; bad settings are exit 2 by the policy.
            await using var app = ScorerApp.Build([], overrides);
            await app.StartAsync(ct);
            await app.WaitForShutdownAsync(ct);
            return 0;
        });
        return cmd;
    }
}
