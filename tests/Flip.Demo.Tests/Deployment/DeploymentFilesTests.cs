using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Flip.FeatureStore.Store;
using Flip.Hosting;
using Flip.Ingest.Worker;
using Flip.Registry;
using Flip.Scorer;
using Flip.Trainer.Online;

namespace Flip.Demo.Tests.Deployment;

/// <summary>
/// Docker does not run on the development machines, so the deployment files (deploy/compose, deploy/prometheus,
/// deploy/grafana) are checked by reading them: every topic, port, environment key and shared folder must agree with
/// the code's options classes and with each other, so neither side can drift silently.
/// </summary>
public class DeploymentFilesTests
{
    /// <summary>Configuration sections the workers bind, and the class each binds to.</summary>
    static readonly Dictionary<string, Type> Sections = new(StringComparer.Ordinal)
    {
        [KafkaOptions.SectionName] = typeof(KafkaOptions),
        [IngestOptions.SectionName] = typeof(IngestOptions),
        [ParquetStoreOptions.SectionName] = typeof(ParquetStoreOptions),
        [TrainerOptions.SectionName] = typeof(TrainerOptions),
        [RegistryOptions.SectionName] = typeof(RegistryOptions),
        [ScorerOptions.SectionName] = typeof(ScorerOptions),
    };

    /// <summary>The worker services: compose service name, Dockerfile, project it publishes, and the port Prometheus scrapes.</summary>
    public static TheoryData<string, string, string, int> Workers => new()
    {
        { "ingest", "Dockerfile.ingest", "ingest/Flip.Ingest.Host/Flip.Ingest.Host.csproj", new IngestOptions().MetricsPort },
        { "trainer", "Dockerfile.trainer", "trainer/Flip.Trainer.Host/Flip.Trainer.Host.csproj", new TrainerOptions().MetricsPort },
        { "scorer", "Dockerfile.scorer", "scorer/Flip.Scorer.Host/Flip.Scorer.Host.csproj", new Uri(new ScorerOptions().Urls.Split(';')[0]).Port },
    };

    static Dictionary<string, object?> Compose() => YamlFile.Load(RepoPaths.File("deploy", "compose", "docker-compose.yml"));

    static Dictionary<string, object?> Service(string name) => Compose().Map("services").Map(name);

    static Dictionary<string, string> Environment(string service) =>
        Service(service).Map("environment").ToDictionary(kv => kv.Key, kv => (string)kv.Value!, StringComparer.Ordinal);

    static string[] TopicsOfTheLoop() => typeof(TopicNames).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void Kafka_runs_in_KRaft_mode_from_the_official_image()
    {
        var kafka = Service("kafka");
        Assert.StartsWith("apache/kafka:", kafka.Text("image"), StringComparison.Ordinal);
        var env = Environment("kafka");
        Assert.Equal("broker,controller", env["KAFKA_PROCESS_ROLES"]);
        Assert.Contains("CONTROLLER", env["KAFKA_CONTROLLER_LISTENER_NAMES"], StringComparison.Ordinal);
        Assert.DoesNotContain(Compose().Map("services").Keys, k => k.Contains("zookeeper", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Topic_init_creates_exactly_the_topics_of_the_loop()
    {
        var init = Service("kafka-init");
        var script = string.Join("\n", init.List("command").Cast<string>());
        var created = Regex.Matches(script, @"\bflip(\.[a-z]+)+\b").Select(m => m.Value).Distinct().Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(TopicsOfTheLoop(), created);
        Assert.Equal(Service("kafka").Text("image"), init.Text("image"));
    }

    [Theory]
    [MemberData(nameof(Workers))]
    public void Worker_environment_keys_bind_to_options_properties(string service, string dockerfile, string project, int metricsPort)
    {
        _ = project;
        _ = metricsPort;
        var keys = Environment(service).Keys.Concat(DockerfileEnvironment(dockerfile).Keys).ToList();
        Assert.NotEmpty(keys);
        var unbound = keys.Select(k => (k, why: ConfigurationKeys.WhyNotBound(k, Sections))).Where(x => x.why is not null).ToList();
        Assert.True(unbound.Count == 0, string.Join("; ", unbound.Select(x => $"{service}: {x.k}: {x.why}")));
    }

    [Theory]
    [MemberData(nameof(Workers))]
    public void Workers_reach_Kafka_on_its_internal_listener_and_use_the_loops_topic_names(string service, string dockerfile, string project, int metricsPort)
    {
        _ = (dockerfile, project, metricsPort);
        var advertised = Environment("kafka")["KAFKA_ADVERTISED_LISTENERS"].Split(',');
        var interBroker = Environment("kafka")["KAFKA_INTER_BROKER_LISTENER_NAME"];
        var internalAddress = advertised.Single(l => l.StartsWith(interBroker + "://", StringComparison.Ordinal))[(interBroker.Length + 3)..];
        var env = Environment(service);
        Assert.Equal(internalAddress, env["Kafka__BootstrapServers"]);
        var topicDefaults = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Kafka__ClicksTopic"] = new KafkaOptions().ClicksTopic,
            ["Kafka__DeadLetterTopic"] = new KafkaOptions().DeadLetterTopic,
            ["Trainer__AnnounceTopic"] = new TrainerOptions().AnnounceTopic,
        };
        foreach (var (key, expected) in topicDefaults)
            if (env.TryGetValue(key, out var value)) Assert.Equal(expected, value);
        Assert.Equal(TopicNames.Clicks, new KafkaOptions().ClicksTopic);
        Assert.Equal(TopicNames.Models, new TrainerOptions().AnnounceTopic);
    }

    [Theory]
    [MemberData(nameof(Workers))]
    public void Prometheus_scrapes_each_worker_on_the_port_it_serves_metrics_on(string service, string dockerfile, string project, int metricsPort)
    {
        _ = project;
        var prometheus = YamlFile.Load(RepoPaths.File("deploy", "prometheus", "prometheus.yml"));
        var targets = prometheus.List("scrape_configs").Cast<Dictionary<string, object?>>()
            .SelectMany(job => job.List("static_configs").Cast<Dictionary<string, object?>>())
            .SelectMany(c => c.List("targets").Cast<string>())
            .ToList();
        Assert.Contains($"{service}:{metricsPort}", targets);

        // The port the worker really serves in the container: its environment overrides, else the code's default.
        var env = Environment(service);
        int served = service switch
        {
            "ingest" => int.Parse(env.GetValueOrDefault("Ingest__MetricsPort") ?? metricsPort.ToString()),
            "trainer" => int.Parse(env.GetValueOrDefault("Trainer__MetricsPort") ?? metricsPort.ToString()),
            "scorer" => new Uri(env.GetValueOrDefault("Scorer__Urls") ?? DockerfileEnvironment(dockerfile)["Scorer__Urls"]).Port,
            _ => throw new InvalidOperationException(service),
        };
        Assert.Equal(metricsPort, served);
        Assert.Contains(metricsPort, DockerfileExposedPorts(dockerfile));

        // A container is scraped from another container: its metrics endpoint must listen on all interfaces.
        string? bind = service switch
        {
            "ingest" => env.GetValueOrDefault("Ingest__MetricsBindAddress"),
            "trainer" => env.GetValueOrDefault("Trainer__MetricsBindAddress"),
            _ => new Uri(env["Scorer__Urls"]).Host,
        };
        Assert.Contains(bind, new[] { "+", "*", "0.0.0.0" });
    }

    [Fact]
    public void Scorer_http_port_is_published_to_the_host()
    {
        int port = new Uri(Environment("scorer")["Scorer__Urls"]).Port;
        var ports = Service("scorer").List("ports").Cast<string>().Select(p => p.Split(':')).ToList();
        Assert.Contains(ports, p => p.Length == 2 && int.Parse(p[1]) == port);
    }

    [Fact]
    public void Ingest_and_trainer_share_the_store_and_trainer_and_scorer_share_the_registry()
    {
        var ingest = Environment("ingest");
        var trainer = Environment("trainer");
        var scorer = Environment("scorer");
        Assert.Equal(ingest["Store__Root"], trainer["Store__Root"]);
        Assert.Equal(trainer["Registry__Root"], scorer["Scorer__Registry"]);
        Assert.Equal(VolumeAt("ingest", ingest["Store__Root"]), VolumeAt("trainer", trainer["Store__Root"]));
        Assert.Equal(VolumeAt("trainer", trainer["Registry__Root"]), VolumeAt("scorer", scorer["Scorer__Registry"]));
        var declared = Compose().Map("volumes").Keys;
        Assert.Contains(VolumeAt("ingest", ingest["Store__Root"]), declared);
        Assert.Contains(VolumeAt("trainer", trainer["Registry__Root"]), declared);
    }

    [Theory]
    [MemberData(nameof(Workers))]
    public void Each_Dockerfile_is_multi_stage_on_dotnet_10_and_runs_the_published_worker(string service, string dockerfile, string project, int metricsPort)
    {
        _ = metricsPort;
        var build = Service(service).Map("build");
        Assert.Equal($"deploy/compose/{dockerfile}", build.Text("dockerfile"));
        Assert.Equal(RepoPaths.Root, Path.GetFullPath(Path.Combine(RepoPaths.File("deploy", "compose"), build.Text("context"))).TrimEnd('/'));

        var lines = File.ReadAllLines(RepoPaths.File("deploy", "compose", dockerfile));
        var froms = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.True(froms.Count >= 2, $"{dockerfile}: expected a build stage and a runtime stage");
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/sdk:10.0", froms[0], StringComparison.Ordinal);
        Assert.Matches(@"^FROM mcr\.microsoft\.com/dotnet/(runtime|aspnet):10\.0", froms[^1]);
        Assert.Contains(lines, l => l.Contains($"dotnet publish {project}", StringComparison.Ordinal));
        Assert.True(File.Exists(RepoPaths.File(project.Split('/'))), $"{dockerfile} publishes {project}, which does not exist");

        var assemblyName = XDocument.Load(RepoPaths.File(project.Split('/'))).Descendants("AssemblyName").Single().Value;
        Assert.Contains(lines, l => l.StartsWith("ENTRYPOINT", StringComparison.Ordinal) && l.Contains($"\"{assemblyName}.dll\"", StringComparison.Ordinal));
        if (service != "ingest")
        {
            // TorchSharp's native glue: the patch runs on Publish (Directory.Build.targets), checked in the build stage.
            Assert.Contains(lines, l => l.Contains("libLibTorchSharp.so", StringComparison.Ordinal));
            Assert.Contains("WeakenTorchSharpNativeAfterPublish", File.ReadAllText(RepoPaths.File("Directory.Build.targets")), StringComparison.Ordinal);
        }
        Assert.True(File.Exists(RepoPaths.File("deploy", "compose", dockerfile + ".dockerignore")), $"{dockerfile}.dockerignore keeps bin/obj out of the context");
    }

    [Fact]
    public void Grafana_provisions_the_prometheus_datasource_and_the_dashboard()
    {
        var datasource = YamlFile.Load(RepoPaths.File("deploy", "grafana", "provisioning", "datasources", "prometheus.yml"))
            .List("datasources").Cast<Dictionary<string, object?>>().Single();
        var prometheusPorts = Service("prometheus").List("ports").Cast<string>().Select(p => p.Split(':')[^1]).ToList();
        Assert.Equal($"http://prometheus:{prometheusPorts.Single()}", datasource.Text("url"));
        Assert.Contains(Service("prometheus").List("volumes").Cast<string>(), v => v.StartsWith("../prometheus/prometheus.yml:/etc/prometheus/prometheus.yml", StringComparison.Ordinal));

        var provider = YamlFile.Load(RepoPaths.File("deploy", "grafana", "provisioning", "dashboards", "flip.yml"))
            .List("providers").Cast<Dictionary<string, object?>>().Single();
        var dashboardsPath = provider.Map("options").Text("path");
        var grafanaVolumes = Service("grafana").List("volumes").Cast<string>().ToList();
        Assert.Contains($"../grafana/dashboards:{dashboardsPath}:ro", grafanaVolumes);
        Assert.Contains("../grafana/provisioning:/etc/grafana/provisioning:ro", grafanaVolumes);

        using var dashboard = JsonDocument.Parse(File.ReadAllText(RepoPaths.File("deploy", "grafana", "dashboards", "flip-streaming.json")));
        var uid = datasource.Text("uid");
        foreach (var panel in dashboard.RootElement.GetProperty("panels").EnumerateArray().Where(p => p.GetProperty("type").GetString() != "row"))
            Assert.Equal(uid, panel.GetProperty("datasource").GetProperty("uid").GetString());
        var home = Environment("grafana")["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"];
        Assert.Equal($"{dashboardsPath}/flip-streaming.json", home);
    }

    static string VolumeAt(string service, string containerPath)
    {
        var mounts = Service(service).List("volumes").Cast<string>().Select(v => v.Split(':')).ToList();
        var mount = mounts.SingleOrDefault(m => m.Length >= 2 && m[1] == containerPath);
        Assert.True(mount is not null, $"{service} mounts no volume at {containerPath}");
        return mount![0];
    }

    /// <summary>ENV keys of a Dockerfile (<c>ENV A=1 \ B=2</c> continuation lines included).</summary>
    static Dictionary<string, string> DockerfileEnvironment(string dockerfile)
    {
        var text = File.ReadAllText(RepoPaths.File("deploy", "compose", dockerfile)).Replace("\\\n", " ", StringComparison.Ordinal);
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n').Where(l => l.StartsWith("ENV ", StringComparison.Ordinal)))
            foreach (Match m in Regex.Matches(line[4..], @"([A-Za-z_][A-Za-z0-9_.]*)=(\S+)"))
                env[m.Groups[1].Value] = m.Groups[2].Value;
        return env;
    }

    static IEnumerable<int> DockerfileExposedPorts(string dockerfile) =>
        File.ReadAllLines(RepoPaths.File("deploy", "compose", dockerfile))
            .Where(l => l.StartsWith("EXPOSE ", StringComparison.Ordinal))
            .SelectMany(l => l[7..].Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(int.Parse);
}
