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
/// connections against the fake, then the same request against a minimal Kestrel endpoint that answers the same
/// envelope and does nothing else (the baseline). Prints both lines and the ratio.
/// </summary>
internal static class FakeThroughput
{
    private const int Connections = 16;
    private const string Envelope = """{"code":100,"message":"success","data":{"status":"success"}}""";

    public static async Task<IReadOnlyList<string>> RunAsync(TimeSpan duration, TextWriter progress)
    {
        await using var fake = await KonProFakeServer.StartAsync(new KonProFakeServerOptions
        {
            SessionDurationLimit = TimeSpan.FromDays(1),
            MaxRequestLogCount = 1000, // the default
        });
        var sessionId = await CreateSessionAsync(fake);
        await using var minimal = await StartMinimalAsync();
        var minimalUrl = minimal.Urls.First();

        var body = $"{{\"session_id\":\"{sessionId}\"}}";
        progress.WriteLine($"fake-throughput: {Connections} connections, {duration.TotalSeconds:0} s each, after a 1 s warm-up");
        var baseline = await MeasureAsync(minimalUrl, fake.ApiKey, body, duration);
        var measured = await MeasureAsync(fake.Url, fake.ApiKey, body, duration);
        var ratio = measured.PerSecond / baseline.PerSecond;
        return
        [
            Line("fake keep_alive", measured),
            Line("baseline minimal Kestrel keep_alive", baseline),
            string.Create(CultureInfo.InvariantCulture, $"fake-throughput ratio: {ratio:0.00} of the minimal endpoint (goal >= 0.33)"),
        ];
    }

    private static string Line(string name, (double PerSecond, double MeanMs, long Errors) r) =>
        string.Create(CultureInfo.InvariantCulture, $"{name}: {r.PerSecond:0} requests/s, {r.MeanMs:0.000} ms mean, {r.Errors} errors");

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

    private static async Task<(double PerSecond, double MeanMs, long Errors)> MeasureAsync(string baseUrl, string apiKey, string body, TimeSpan duration)
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

        await Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => LoopAsync(DateTime.UtcNow.AddSeconds(1)))).ConfigureAwait(false);
        var start = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => LoopAsync(DateTime.UtcNow + duration))).ConfigureAwait(false);
        var elapsed = start.Elapsed.TotalSeconds;
        var total = results.Sum(r => r.Count);
        var mean = results.Sum(r => r.Ms) / Math.Max(1, total);
        return (total / elapsed, mean, results.Sum(r => r.Errors));
    }
}
