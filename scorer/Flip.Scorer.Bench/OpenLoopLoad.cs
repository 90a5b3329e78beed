using System.Diagnostics;
using System.Net.Http.Headers;

namespace Flip.Scorer.Bench;

/// <summary>What one open-loop step measured. Latencies in milliseconds, from each request's scheduled send time.</summary>
public sealed record LoadResult(string Target, double TargetRate, double Seconds, long Sent, long Errors, double AchievedRate,
    double P50, double P95, double P99, double Max, double GeneratorCores, double ServerCores, IReadOnlyDictionary<string, long> Versions)
{
    /// <summary>Server side, from its /metrics over the step: mean events per forward pass, mean forward and queue wait in ms.</summary>
    public double MeanBatch { get; init; } = double.NaN;
    public double MeanForwardMs { get; init; } = double.NaN;
    public double MeanQueueMs { get; init; } = double.NaN;
}

/// <summary>
/// Open-loop constant-rate HTTP load: request i is due at start + i/rate and is sent then whether or not earlier ones
/// answered (late sends go out at once), and its latency counts from its due time (or from its send, when sent up to
/// 0.5 ms early in a burst), so queueing in the server or the generator shows in the percentiles instead of silently
/// lowering the rate (no coordinated omission).
/// </summary>
public sealed class OpenLoopLoad(HttpClient client)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public async Task<LoadResult> RunAsync(string target, string path, IReadOnlyList<byte[]> bodies, double rate, TimeSpan duration,
        Func<double>? serverCpuSeconds = null, CancellationToken cancellationToken = default)
    {
        long total = (long)(rate * duration.TotalSeconds);
        var latencies = new double[total];
        var versions = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        long errors = 0, completed = 0;
        var inFlight = new List<Task>((int)Math.Min(total, 1_000_000));
        var self = Process.GetCurrentProcess();
        var generatorStart = self.TotalProcessorTime;
        double serverStart = serverCpuSeconds?.Invoke() ?? 0;
        var clock = Stopwatch.StartNew();
        double ticksPerRequest = Stopwatch.Frequency / rate;
        long start = Stopwatch.GetTimestamp();
        // The schedule runs on its own thread, sleeping 1 ms between bursts: every request due within the next half
        // millisecond goes out in the burst (never spinning, which would steal a core from the server on 2 cores).
        long halfMs = Stopwatch.Frequency / 2000;
        var scheduler = new Thread(() =>
        {
            long i = 0;
            while (i < total && !cancellationToken.IsCancellationRequested)
            {
                long now = Stopwatch.GetTimestamp();
                while (i < total && start + (long)(i * ticksPerRequest) <= now + halfMs)
                {
                    long due = Math.Max(start + (long)(i * ticksPerRequest), now);
                    inFlight.Add(Send(path, bodies[(int)(i % bodies.Count)], due, i));
                    i++;
                }
                Thread.Sleep(1);
            }
        }) { IsBackground = true, Name = "flip-bench-schedule" };
        scheduler.Start();
        scheduler.Join();
        await Task.WhenAll(inFlight);
        double seconds = clock.Elapsed.TotalSeconds;
        double generatorCores = (self.TotalProcessorTime - generatorStart).TotalSeconds / seconds;
        double serverCores = serverCpuSeconds is null ? double.NaN : (serverCpuSeconds() - serverStart) / seconds;
        var ok = latencies.Where(l => l > 0).Order().ToArray();
        double P(double q) => ok.Length == 0 ? double.NaN : ok[Math.Min(ok.Length - 1, (int)Math.Ceiling(q * ok.Length) - 1)];
        return new LoadResult(target, rate, seconds, total, errors, completed / seconds, P(0.50), P(0.95), P(0.99), ok.Length == 0 ? double.NaN : ok[^1],
            generatorCores, serverCores, versions);

        async Task Send(string p, byte[] body, long due, long index)
        {
            try
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = Json;
                using var response = await client.PostAsync(p, content, cancellationToken).ConfigureAwait(false);
                var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                long done = Stopwatch.GetTimestamp();
                if (!response.IsSuccessStatusCode) { Interlocked.Increment(ref errors); return; }
                latencies[index] = Math.Max(1e-6, (done - due) * 1000.0 / Stopwatch.Frequency);
                Interlocked.Increment(ref completed);
                if (VersionOf(bytes) is { } v) versions.AddOrUpdate(v, 1, (_, n) => n + 1);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                Interlocked.Increment(ref errors);
            }
        }
    }

    private static string? VersionOf(byte[] body)
    {
        var span = body.AsSpan();
        var key = "\"modelVersion\":\""u8;
        int at = span.IndexOf(key);
        if (at < 0) return null;
        var rest = span[(at + key.Length)..];
        int end = rest.IndexOf((byte)'"');
        return end < 0 ? null : System.Text.Encoding.UTF8.GetString(rest[..end]);
    }
}
