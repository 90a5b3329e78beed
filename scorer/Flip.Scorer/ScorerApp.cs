using Flip.Hosting;
using Flip.Registry;
using Flip.Scorer.Http;
using Flip.Scorer.Kafka;
using Flip.Scorer.Lifecycle;
using Flip.Scorer.Models;
using Flip.Scorer.Quality;
using Flip.Scorer.Requests;
using Flip.Scorer.Scoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Flip.Scorer;

/// <summary>
/// Builds the scoring service: Kestrel minimal API on the Generic Host, configured from (rising priority)
/// <c>appsettings.json</c> beside the executable, environment variables (<c>Scorer__Registry=/models</c>), command-line
/// keys (<c>--Scorer:Registry=/models</c>) and <c>overrides</c> (what the CLI's options set).
/// </summary>
public static class ScorerApp
{
    public static WebApplication Build(string[]? args = null, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args ?? [],
            ApplicationName = "flip-scorer",
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (overrides is not null) builder.Configuration.AddInMemoryCollection(overrides);
        builder.Logging.ClearProviders();
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });

        var options = builder.Configuration.GetSection(ScorerOptions.SectionName).Get<ScorerOptions>() ?? new ScorerOptions();
        options.Validate();
        // Before libtorch loads (the watcher loads a model at start): passive OpenMP waits and the intra-op thread count.
        Flip.Trainer.TorchRuntime.Configure(options.TorchThreads);
        var kafka = builder.Configuration.GetSection(KafkaOptions.SectionName).Get<KafkaOptions>() ?? new KafkaOptions();
        builder.WebHost.UseUrls(options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = (long)options.MaxBodyBytes * (RequestBody.DrainFactor + 1);
            k.AddServerHeader = false;
        });
        AddScorer(builder.Services, options, kafka);

        var app = builder.Build();
        ScorerEndpoints.Map(app);
        return app;
    }

    /// <summary>Registers the scorer's parts (singletons) and its background services.</summary>
    public static IServiceCollection AddScorer(IServiceCollection services, ScorerOptions options, KafkaOptions kafka)
    {
        services.AddSingleton(options);
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        services.AddSingleton(kafka);
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(kafka));
        services.AddFlipMetrics();
        services.AddSingleton<ScorerMetrics>();
        services.AddSingleton(new ModelRegistry(Path.GetFullPath(options.Registry)));
        services.AddSingleton<ModelLoader>();
        services.AddSingleton<ModelSlot>();
        services.AddSingleton<ScoreBatcher>();
        services.AddSingleton<ScoreRequestParser>();
        services.AddSingleton<LiveQuality>();
        services.AddSingleton<ScoringService>();
        services.AddSingleton<ModelLifecycle>();
        services.AddSingleton<ModelWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<ModelWatcher>());
        if (options.Kafka)
        {
            services.AddHostedService<KafkaScoringWorker>();
            services.AddHostedService<ClickJoinWorker>();
        }
        return services;
    }
}
