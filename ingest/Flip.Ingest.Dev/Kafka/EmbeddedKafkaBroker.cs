using Flip.Hosting;

namespace Flip.Ingest.Dev.Kafka;

/// <summary>
/// A Kafka cluster inside this process: librdkafka's mock cluster (the one librdkafka's own test suite
/// uses). It speaks the real wire protocol on 127.0.0.1, so any client works against it (Confluent.Kafka,
/// kcat, ...): produce, fetch, consumer groups and offset commits. It has no Admin API (topics are created
/// with <see cref="CreateTopic"/>), keeps everything in memory, and a consumer group rejoin waits the
/// members' session timeout.
/// <para>
/// Retention: librdkafka hard-codes each mock partition's log to its newest 5 MiB (and 100,000 produce batches);
/// older batches are dropped as new ones arrive, exactly like size-based retention. A backlog must therefore fit in
/// partitions x 5 MiB of (compressed) batches: keep consumers running while producing, use more partitions, or
/// compress (the replay producer uses lz4). <see cref="RetainedBytesPerPartition"/> states the limit.
/// </para>
/// Meant for development, demos and tests; production points <c>Kafka:BootstrapServers</c> at a real cluster instead.
/// </summary>
public sealed class EmbeddedKafkaBroker : IDisposable
{
    private readonly object _gate = new();
    private IntPtr _handle;
    private IntPtr _cluster;
    private readonly TcpPortForwarder? _forwarder;

    /// <param name="brokerCount">Brokers in the mock cluster. Default 1.</param>
    /// <param name="port">
    /// Fixed port to serve on, or 0 (default) for the random ports the mock cluster picks. A fixed port is
    /// forwarded to the single mock broker, which then advertises it, so clients only ever dial that port.
    /// </param>
    public EmbeddedKafkaBroker(int brokerCount = 1, int port = 0)
    {
        if (brokerCount < 1) throw new ArgumentOutOfRangeException(nameof(brokerCount), "At least one broker is needed.");
        if (port != 0 && brokerCount != 1) throw new ArgumentException("A fixed port is supported with a single broker only.", nameof(port));
        LibRdKafka.EnsureResolver();
        var errstr = new byte[512];
        var conf = LibRdKafka.rd_kafka_conf_new();
        // Keep the carrier handle quiet: it never talks to anything, it only owns the mock cluster's thread.
        LibRdKafka.rd_kafka_conf_set(conf, "log_level", "3", errstr, (UIntPtr)errstr.Length);
        _handle = LibRdKafka.rd_kafka_new(LibRdKafka.ProducerType, conf, errstr, (UIntPtr)errstr.Length);
        if (_handle == IntPtr.Zero)
        {
            LibRdKafka.rd_kafka_conf_destroy(conf);
            throw new InvalidOperationException($"librdkafka could not create a handle for the mock cluster: {LibRdKafka.ErrorText(errstr)}");
        }
        _cluster = LibRdKafka.rd_kafka_mock_cluster_new(_handle, brokerCount);
        if (_cluster == IntPtr.Zero)
        {
            LibRdKafka.rd_kafka_destroy(_handle);
            throw new InvalidOperationException("librdkafka could not start its mock cluster.");
        }
        var bootstraps = System.Runtime.InteropServices.Marshal.PtrToStringUTF8(LibRdKafka.rd_kafka_mock_cluster_bootstraps(_cluster))
                         ?? throw new InvalidOperationException("The mock cluster reported no bootstrap address.");
        if (port == 0)
        {
            BootstrapServers = bootstraps;
        }
        else
        {
            var target = bootstraps.Split(',')[0];
            int colon = target.LastIndexOf(':');
            _forwarder = new TcpPortForwarder(port, target[..colon], int.Parse(target[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
            LibRdKafka.rd_kafka_mock_broker_set_host_port(_cluster, 1, "127.0.0.1", _forwarder.Port);
            BootstrapServers = $"127.0.0.1:{_forwarder.Port}";
        }
        BrokerCount = brokerCount;
    }

    /// <summary>Bytes of produce batches each partition keeps before dropping its oldest (librdkafka's fixed mock limit).</summary>
    public const long RetainedBytesPerPartition = 5L * 1024 * 1024;

    /// <summary>Comma-separated host:port list for <c>bootstrap.servers</c>.</summary>
    public string BootstrapServers { get; }

    public int BrokerCount { get; }

    /// <summary>Creates a topic (the mock cluster has no Admin API). Replication is capped at the broker count.</summary>
    public void CreateTopic(string name, int partitions, int replicationFactor = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (partitions < 1) throw new ArgumentOutOfRangeException(nameof(partitions), "A topic needs at least one partition.");
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_cluster == IntPtr.Zero, this);
            int err = LibRdKafka.rd_kafka_mock_topic_create(_cluster, name, partitions, Math.Min(replicationFactor, BrokerCount));
            if (err != 0) throw new InvalidOperationException($"Could not create topic '{name}': {LibRdKafka.ErrorText(err)}");
        }
    }

    /// <summary>Creates the click topic and its dead-letter topic.</summary>
    public void CreateIngestTopics(KafkaOptions options, int partitions)
    {
        CreateTopic(options.ClicksTopic, partitions);
        CreateTopic(options.DeadLetterTopic, 1);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_cluster == IntPtr.Zero) return;
            _forwarder?.Dispose();
            LibRdKafka.rd_kafka_mock_cluster_destroy(_cluster);
            LibRdKafka.rd_kafka_destroy(_handle);
            _cluster = IntPtr.Zero;
            _handle = IntPtr.Zero;
        }
    }
}
