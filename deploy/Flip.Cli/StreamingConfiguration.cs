using System.CommandLine;
using Flip.Hosting;
using Flip.Ingest.Kafka;
using Microsoft.Extensions.Configuration;

namespace Flip.Cli;

/// <summary>Configuration for the streaming commands: appsettings.json beside flip.dll, then environment variables, then command-line overrides.</summary>
internal static class StreamingConfiguration
{
    public static IConfiguration Load(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var builder = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables();
        if (overrides is not null) builder.AddInMemoryCollection(overrides);
        return builder.Build();
    }

    public static KafkaOptions Kafka(IConfiguration configuration)
    {
        var options = new KafkaOptions();
        configuration.GetSection(KafkaOptions.SectionName).Bind(options);
        return options;
    }

    /// <summary>The override for <c>--bootstrap</c>, when given.</summary>
    public static Dictionary<string, string?> Overrides(string? bootstrap)
    {
        var map = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (!string.IsNullOrWhiteSpace(bootstrap)) map["Kafka:BootstrapServers"] = bootstrap;
        return map;
    }

    /// <summary>Bounded wait for the Kafka cluster at start, in seconds (<c>--cluster-wait</c>).</summary>
    public static Option<double?> ClusterWait() => new("--cluster-wait")
    {
        Description = "Seconds to wait for the Kafka cluster to answer before failing with one line (default 30; ingest: Ingest:ClusterWaitTimeout)",
    };

    public static Option<string> Bootstrap() => new("--bootstrap", "-b")
    {
        Description = "Kafka bootstrap servers host:port[,host:port] (default: Kafka:BootstrapServers from appsettings.json or Kafka__BootstrapServers)",
    };
}
