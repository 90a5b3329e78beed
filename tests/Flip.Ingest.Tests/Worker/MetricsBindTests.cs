using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Flip.Hosting;
using Flip.Ingest.Worker;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flip.Ingest.Tests.Worker;

/// <summary>
/// Issue 9 finding 6: the metrics endpoint used to listen on every interface while the log said localhost. The default
/// <c>Ingest:MetricsBindAddress</c> must serve loopback only; <c>+</c> (containers) serves every interface.
/// </summary>
public class MetricsBindTests
{
    [Fact]
    public async Task The_default_bind_address_serves_loopback_only()
    {
        Assert.Equal("127.0.0.1", new IngestOptions().MetricsBindAddress);
        // Every address of this machine's other interfaces is refused (a machine without one has nothing to expose).
        await AssertServes(new IngestOptions().MetricsBindAddress, otherInterfaces: false);
    }

    [Fact]
    public async Task Plus_serves_every_interface() => await AssertServes("+", otherInterfaces: true);

    /// <summary>Starts the endpoint on <paramref name="bindAddress"/>: loopback must answer, every other IPv4 address as <paramref name="otherInterfaces"/> says.</summary>
    private static async Task AssertServes(string bindAddress, bool otherInterfaces)
    {
        int port = FreePort();
        var endpoint = new MetricsEndpoint(new MetricsEndpointSettings(bindAddress, port), Prometheus.Metrics.NewCustomRegistry(), NullLogger<MetricsEndpoint>.Instance);
        await endpoint.StartAsync(CancellationToken.None);
        try
        {
            Assert.True(await Serves(IPAddress.Loopback, port));
            foreach (var address in NonLoopbackIPv4())
                Assert.True(await Serves(address, port) == otherInterfaces,
                    $"/metrics {(otherInterfaces ? "did not answer" : "answered")} on {address}:{port} with bind address {bindAddress}.");
        }
        finally
        {
            await endpoint.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>True when GET /metrics on that address answers 200; false when the connection is refused.</summary>
    private static async Task<bool> Serves(IPAddress address, int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            using var response = await http.GetAsync($"http://{address}:{port}/metrics");
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
        {
            return false;
        }
    }

    private static List<IPAddress> NonLoopbackIPv4() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            .ToList();

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
