using System.CommandLine;
using System.Runtime.InteropServices;
using Flip.FeatureStore.Errors;
using Flip.Ingest.Dev.Kafka;
using Flip.Hosting;
using Flip.Ingest.Kafka;
using Spectre.Console;

namespace Flip.Cli;

/// <summary>`flip broker`: hosts librdkafka's mock Kafka cluster in this process until Ctrl+C / SIGTERM.</summary>
internal static class BrokerCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port")
        {
            Description = "Port to serve Kafka on (0 = a random free port)",
            DefaultValueFactory = _ => 9092,
        };
        var partitions = new Option<int>("--partitions")
        {
            Description = "Partitions of the clicks topic",
            DefaultValueFactory = _ => 4,
        };
        var cmd = new Command("broker", "Run an embedded Kafka broker (librdkafka mock cluster) with the flip.clicks and flip.clicks.dlq topics, until Ctrl+C");
        cmd.Options.Add(port);
        cmd.Options.Add(partitions);
        cmd.SetAction((parse, ct) => Run(parse.GetValue(port), parse.GetValue(partitions), ct));
        return cmd;
    }

    private static async Task<int> Run(int port, int partitions, CancellationToken ct)
    {
        if (partitions < 1) throw new UserInputException("--partitions must be at least 1");
        EmbeddedKafkaBroker broker;
        try
        {
            broker = new EmbeddedKafkaBroker(brokerCount: 1, port: port);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw new EnvironmentException($"cannot listen on port {port}: {e.Message}", e);
        }
        using (broker)
        {
            var kafka = new KafkaOptions();
            broker.CreateIngestTopics(kafka, partitions);
            AnsiConsole.MarkupLine($"Kafka (embedded mock cluster) on [bold]{broker.BootstrapServers}[/]");
            AnsiConsole.MarkupLine($"topics: {kafka.ClicksTopic} ({partitions} partitions), {kafka.DeadLetterTopic} (1 partition)");
            Console.WriteLine($"bootstrap={broker.BootstrapServers}");
            AnsiConsole.MarkupLine($"[grey]Data lives in memory; each partition keeps its newest {EmbeddedKafkaBroker.RetainedBytesPerPartition / 1048576} MiB. Ctrl+C to stop.[/]");
            // SIGTERM (docker stop, systemd) stops it as cleanly as Ctrl+C.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
            using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
            try { await Task.Delay(Timeout.Infinite, stop.Token); }
            catch (OperationCanceledException) { }
            AnsiConsole.MarkupLine("Broker stopped.");
        }
        return 0;
    }
}
