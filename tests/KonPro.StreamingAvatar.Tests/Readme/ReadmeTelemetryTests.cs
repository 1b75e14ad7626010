using System.Diagnostics;
using KonPro.Streaming;
using KonPro.Streaming.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ReadmeSamples;

/// <summary>The README's telemetry section is this code: OpenTelemetry on the generic host, a session against the fake.</summary>
public sealed class ReadmeTelemetryTests
{
    [Fact]
    public async Task The_telemetry_sample_collects_the_sdk_spans_and_metrics_of_a_session()
    {
        await using var server = await KonProFakeServer.StartAsync(new KonProFakeServerOptions { TimeScale = 0.02, DefaultActivityIdleTimeout = TimeSpan.FromHours(1) });
        var spans = new List<Activity>();
        var metrics = new List<Metric>();

        var sessionId = await RunAsync(server, spans, metrics);

        var mine = spans.Where(s => (string?)s.GetTagItem(KonProDiagnostics.SessionIdTag) == sessionId).ToList();
        mine.Select(s => s.DisplayName).Should().Contain(["KonPro CreateStartAvatar", "KonPro NewSession", "KonPro StartSession", "KonPro ChatConnect", "KonPro StopSession"]);
        var connect = mine.Single(s => s.DisplayName == "KonPro ChatConnect");
        spans.Should().Contain(s => s.Source.Name == "System.Net.Http" && s.ParentSpanId == connect.SpanId, "the chat socket's upgrade is traced under the SDK's span");
        metrics.Select(m => m.Name).Should().Contain(["konpro.streaming_avatar.call.duration", "konpro.streaming_avatar.stream_ready.duration"]);
    }

    [Fact]
    public void The_README_shows_the_telemetry_sample_verbatim() =>
        ReadmeSnippets.ShouldAppearUnder("telemetry", "ReadmeTelemetryTests.cs", "Telemetry");

    private static async Task<string> RunAsync(KonProFakeServer server, List<Activity> spans, List<Metric> metrics)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["KonPro:BasePath"] = server.Url, ["KonPro:ApiKey"] = server.ApiKey });
        builder.Services.AddKonProStreamingAvatar(builder.Configuration.GetSection("KonPro"));
        // README:telemetry
        // OpenTelemetry.Extensions.Hosting, plus the exporter of your choice (in-memory here; OTLP in production)
        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing
                .AddSource(KonProDiagnostics.ActivitySourceName)
                .AddSource("System.Net.Http") // the chat socket's upgrade, a child of the SDK's ChatConnect span
                .AddInMemoryExporter(spans))
            .WithMetrics(meters => meters
                .AddMeter(KonProDiagnostics.MeterName)
                .AddInMemoryExporter(metrics));
        builder.Logging.AddFilter(KonProDiagnostics.LogCategoryPrefix, LogLevel.Information);
        // README:end
        string sessionId;
        using (var host = builder.Build())
        {
            await host.StartAsync();
            var admin = host.Services.GetRequiredService<KonProAdminClient>();
            await using var avatar = host.Services.GetRequiredService<IStreamingAvatarFactory>().Create(await admin.CreateTokenAsync());
            sessionId = (await avatar.CreateStartAvatarAsync(new StartAvatarRequest())).SessionId;
            await avatar.StopAvatarAsync();
            await host.StopAsync();
        }

        // Disposing the host flushed both providers into the lists.
        return sessionId;
    }
}
