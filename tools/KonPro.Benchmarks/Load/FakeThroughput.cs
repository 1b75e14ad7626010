using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using KonPro.Streaming.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace KonPro.Benchmarks.Load;

/// <summary>
/// The fake server's request throughput beside its floor, measured in one run: <c>keep_alive</c> over 16 keep-alive
/// connections against the fake and against a minimal Kestrel endpoint in the same process that reads the body and
/// answers the same envelope (the baseline). The two alternate in five rounds (baseline, then fake, each for a fifth of
/// the given time), so that a change of the machine's load during the run falls on both. Prints both lines and the
/// ratio of their throughputs, with the median and range of the rounds' ratios. With <c>--admin</c> the fake also starts
/// WireMock's admin interface, as the command-line fake does by default (WireMock then tries its admin mappings too).
/// </summary>
internal static class FakeThroughput
{
    private const int Connections = 16;
    private const int Rounds = 5;
    private const string Envelope = """{"code":100,"message":"success","data":{"status":"success"}}""";

    public static async Task<IReadOnlyList<string>> RunAsync(TimeSpan duration, bool adminInterface, TextWriter progress)
    {
        await using var fake = await KonProFakeServer.StartAsync(new KonProFakeServerOptions
        {
            SessionDurationLimit = TimeSpan.FromDays(1),
            MaxRequestLogCount = 1000, // the default
            StartAdminInterface = adminInterface, // off by default in-process; the command-line fake starts it
        });
        var sessionId = await CreateSessionAsync(fake);
        await using var minimal = await StartMinimalAsync();
        var minimalUrl = minimal.Urls.First();

        var body = $"{{\"session_id\":\"{sessionId}\"}}";
        progress.WriteLine($"fake-throughput{(adminInterface ? " (admin interface on)" : string.Empty)}: {Connections} connections, {Rounds} rounds of {duration.TotalSeconds / Rounds:0.#} s each way, after a 1 s warm-up each way");
        await MeasureAsync(minimalUrl, fake.ApiKey, body, TimeSpan.FromSeconds(1));
        await MeasureAsync(fake.Url, fake.ApiKey, body, TimeSpan.FromSeconds(1));
        var baseline = new Totals();
        var measured = new Totals();
        var ratios = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            var b = await MeasureAsync(minimalUrl, fake.ApiKey, body, duration / Rounds);
            var f = await MeasureAsync(fake.Url, fake.ApiKey, body, duration / Rounds);
            baseline.Add(b);
            measured.Add(f);
            ratios.Add(f.Count / f.Seconds / (b.Count / b.Seconds));
        }

        ratios.Sort();
        var ratio = measured.PerSecond / baseline.PerSecond;
        return
        [
            Line("fake keep_alive", measured),
            Line("baseline minimal Kestrel keep_alive", baseline),
            string.Create(CultureInfo.InvariantCulture, $"fake-throughput ratio: {ratio:0.00} of the minimal endpoint (goal >= 0.4 with the admin interface on, issue 22); rounds: median {ratios[Rounds / 2]:0.00}, {ratios[0]:0.00}-{ratios[^1]:0.00}"),
        ];
    }

    private static string Line(string name, Totals t) =>
        string.Create(CultureInfo.InvariantCulture, $"{name}: {t.PerSecond:0} requests/s, {t.MeanMs:0.000} ms mean, {t.Errors} errors; per request (client and server): {t.CpuMicroseconds:0} µs CPU, {t.BytesPerRequest:0} bytes allocated; {t.Gen2Collections} gen-2 collections, GC pauses {t.PausePercent:0.0}% of the time");

    /// <summary>One round against one endpoint.</summary>
    private sealed record Slice(long Count, long Errors, double Seconds, double LatencyMs, double CpuMs, long Bytes, int Gen2Collections, TimeSpan Paused);

    /// <summary>The rounds against one endpoint, summed.</summary>
    private sealed class Totals
    {
        private long _count;
        private long _errors;
        private double _seconds;
        private double _latencyMs;
        private double _cpuMs;
        private long _bytes;
        private TimeSpan _paused;

        public double PerSecond => _count / _seconds;

        public double MeanMs => _latencyMs / Math.Max(1, _count + _errors);

        public long Errors => _errors;

        public double CpuMicroseconds => _cpuMs * 1000 / Math.Max(1, _count + _errors);

        public double BytesPerRequest => _bytes / (double)Math.Max(1, _count + _errors);

        public int Gen2Collections { get; private set; }

        public double PausePercent => _paused.TotalSeconds * 100 / _seconds;

        public void Add(Slice slice)
        {
            _count += slice.Count;
            _errors += slice.Errors;
            _seconds += slice.Seconds;
            _latencyMs += slice.LatencyMs;
            _cpuMs += slice.CpuMs;
            _bytes += slice.Bytes;
            Gen2Collections += slice.Gen2Collections;
            _paused += slice.Paused;
        }
    }

    private static async Task<string> CreateSessionAsync(KonProFakeServer fake)
    {
        using var http = new HttpClient { BaseAddress = new Uri(fake.Url) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/streaming/new") { Content = new StringContent("{\"activity_idle_timeout\":3600}", Encoding.UTF8, "application/json") };
        request.Headers.Add("x-api-key", fake.ApiKey);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        response.EnsureSuccessStatusCode();
        using var document = System.Text.Json.JsonDocument.Parse(text);
        return document.RootElement.GetProperty("data").GetProperty("session_id").GetString()!;
    }

    private static async Task<WebApplication> StartMinimalAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var bytes = Encoding.UTF8.GetBytes(Envelope);
        app.MapPost("/v1/streaming/keep_alive", async (HttpContext context) =>
        {
            // Read the body as the fake does, then answer the same envelope.
            using var reader = new StreamReader(context.Request.Body);
            await reader.ReadToEndAsync(context.RequestAborted);
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
        });
        await app.StartAsync();
        return app;
    }

    private static async Task<Slice> MeasureAsync(string baseUrl, string apiKey, string body, TimeSpan duration)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = Connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(baseUrl) };
        var uri = new Uri(new Uri(baseUrl), "/v1/streaming/keep_alive");
        var bytes = Encoding.UTF8.GetBytes(body);

        async Task<(long Count, long Errors, double Ms)> LoopAsync(DateTime until)
        {
            long count = 0, errors = 0;
            var clock = Stopwatch.StartNew();
            while (DateTime.UtcNow < until)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(bytes) };
                request.Content.Headers.ContentType = new("application/json");
                request.Headers.Add("x-api-key", apiKey);
                using var response = await http.SendAsync(request).ConfigureAwait(false);
                await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    count++;
                }
                else
                {
                    errors++;
                }
            }

            return (count, errors, clock.Elapsed.TotalMilliseconds);
        }

        // Open the connections first, so that every round measures 16 warm keep-alive connections.
        await Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => LoopAsync(DateTime.UtcNow.AddMilliseconds(100)))).ConfigureAwait(false);
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes();
        var gen2Before = GC.CollectionCount(2);
        var pausedBefore = GC.GetTotalPauseDuration();
        var start = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => LoopAsync(DateTime.UtcNow + duration))).ConfigureAwait(false);
        var elapsed = start.Elapsed.TotalSeconds;
        process.Refresh();
        return new Slice(
            results.Sum(r => r.Count),
            results.Sum(r => r.Errors),
            elapsed,
            results.Sum(r => r.Ms),
            (process.TotalProcessorTime - cpuBefore).TotalMilliseconds,
            GC.GetTotalAllocatedBytes() - allocatedBefore,
            GC.CollectionCount(2) - gen2Before,
            GC.GetTotalPauseDuration() - pausedBefore);
    }
}
