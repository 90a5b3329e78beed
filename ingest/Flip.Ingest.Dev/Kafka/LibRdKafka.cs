using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace Flip.Ingest.Dev.Kafka;

/// <summary>
/// The few librdkafka C functions that Confluent.Kafka does not wrap: the mock cluster API.
/// Binds to the same native library Confluent.Kafka ships (librdkafka.redist), see <see cref="Resolve"/>.
/// </summary>
internal static partial class LibRdKafka
{
    private const string Library = "librdkafka";
    public const int ProducerType = 0;
    private static int _resolverInstalled;

    /// <summary>Installs the import resolver once; call before the first native call.</summary>
    public static void EnsureResolver()
    {
        if (Interlocked.Exchange(ref _resolverInstalled, 1) == 0)
            NativeLibrary.SetDllImportResolver(typeof(LibRdKafka).Assembly, Resolve);
    }

    /// <summary>
    /// Finds librdkafka the way it actually loads here: the redist's plain <c>librdkafka.so</c> needs
    /// libsasl2.so.3, which Debian lacks, so the CentOS 8 build (no SASL dependency) is tried first, then
    /// the plain one, then whatever the system has.
    /// </summary>
    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Library) return IntPtr.Zero;
        foreach (var candidate in Candidates())
        {
            if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out var handle)) return handle;
        }
        foreach (var bare in new[] { "librdkafka.so.1", "librdkafka.so", "librdkafka" })
        {
            if (NativeLibrary.TryLoad(bare, assembly, searchPath, out var handle)) return handle;
        }
        return IntPtr.Zero;
    }

    private static IEnumerable<string> Candidates()
    {
        string rid = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
        foreach (var dir in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(typeof(LibRdKafka).Assembly.Location) ?? "" })
        {
            var native = Path.Combine(dir, "runtimes", rid, "native");
            yield return Path.Combine(native, "centos8-librdkafka.so");
            yield return Path.Combine(native, "librdkafka.so");
            yield return Path.Combine(native, "alpine-librdkafka.so");
            yield return Path.Combine(dir, "librdkafka.so");
        }
    }

    [LibraryImport(Library)] public static partial IntPtr rd_kafka_conf_new();

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_conf_set(IntPtr conf, string name, string value, byte[] errstr, UIntPtr errstrSize);

    [LibraryImport(Library)] public static partial void rd_kafka_conf_destroy(IntPtr conf);

    [LibraryImport(Library)] public static partial IntPtr rd_kafka_new(int type, IntPtr conf, byte[] errstr, UIntPtr errstrSize);

    [LibraryImport(Library)] public static partial void rd_kafka_destroy(IntPtr rk);

    [LibraryImport(Library)] public static partial IntPtr rd_kafka_mock_cluster_new(IntPtr rk, int brokerCount);

    [LibraryImport(Library)] public static partial void rd_kafka_mock_cluster_destroy(IntPtr mcluster);

    [LibraryImport(Library)] public static partial IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr mcluster);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_mock_topic_create(IntPtr mcluster, string topic, int partitionCount, int replicationFactor);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial void rd_kafka_mock_broker_set_host_port(IntPtr mcluster, int brokerId, string host, int port);

    [LibraryImport(Library)] public static partial IntPtr rd_kafka_err2str(int err);

    public static string ErrorText(byte[] errstr)
    {
        int end = Array.IndexOf(errstr, (byte)0);
        return Encoding.UTF8.GetString(errstr, 0, end < 0 ? errstr.Length : end);
    }

    public static string ErrorText(int err) => Marshal.PtrToStringUTF8(rd_kafka_err2str(err)) ?? $"error {err}";
}
