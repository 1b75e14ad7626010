using System.Reflection;
using System.Text.Json;
using KonPro.Streaming.Testing;
using KonPro.Streaming.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace KonPro.Streaming.Tests.Http;

/// <summary>
/// The retry pipelines and the JSON serializer are built once per process (issue 22, item 2): clients configured alike
/// share them, clients configured otherwise (or on another clock) do not, and a shared pipeline logs and counts each
/// client's retries with that client's own logger and meter.
/// </summary>
public sealed class RetryPipelineSharingTests
{
    private static readonly Uri Nowhere = new("http://127.0.0.1:9/");
    private static readonly KonProTelemetry Telemetry = new();

    [Fact]
    public void Clients_with_equal_options_on_one_clock_share_both_pipelines()
    {
        var clock = new FakeTimeProvider();
        using var first = Client(clock, new KonProRetryOptions { MaxRetries = 5, BaseDelay = TimeSpan.FromSeconds(1) });
        using var second = Client(clock, new KonProRetryOptions { MaxRetries = 5, BaseDelay = TimeSpan.FromSeconds(1) });

        second.Resilience.Repeatable.Should().BeSameAs(first.Resilience.Repeatable);
        second.Resilience.Once.Should().BeSameAs(first.Resilience.Once);
        first.Resilience.Once.Should().NotBeSameAs(first.Resilience.Repeatable, "the calls that are not safe to repeat retry on other failures");
    }

    [Theory]
    [InlineData(nameof(KonProRetryOptions.MaxRetries))]
    [InlineData(nameof(KonProRetryOptions.BaseDelay))]
    [InlineData(nameof(KonProRetryOptions.MaxDelay))]
    [InlineData(nameof(KonProRetryOptions.MaxRetryAfter))]
    [InlineData(nameof(KonProRetryOptions.AttemptTimeout))]
    [InlineData(nameof(KonProRetryOptions.Enabled))]
    public void Clients_whose_options_differ_in_one_value_do_not_share(string setting)
    {
        var clock = new FakeTimeProvider();
        var other = new KonProRetryOptions();
        switch (setting)
        {
            case nameof(KonProRetryOptions.MaxRetries): other.MaxRetries = 4; break;
            case nameof(KonProRetryOptions.BaseDelay): other.BaseDelay = TimeSpan.FromMilliseconds(501); break;
            case nameof(KonProRetryOptions.MaxDelay): other.MaxDelay = TimeSpan.FromSeconds(11); break;
            case nameof(KonProRetryOptions.MaxRetryAfter): other.MaxRetryAfter = TimeSpan.FromSeconds(31); break;
            case nameof(KonProRetryOptions.AttemptTimeout): other.AttemptTimeout = TimeSpan.FromSeconds(99); break;
            default: other.Enabled = false; break;
        }

        using var first = Client(clock, new KonProRetryOptions());
        using var second = Client(clock, other);

        second.Resilience.Repeatable.Should().NotBeSameAs(first.Resilience.Repeatable);
        second.Resilience.Once.Should().NotBeSameAs(first.Resilience.Once);
    }

    [Fact]
    public void Clients_on_different_clocks_do_not_share()
    {
        using var first = Client(new FakeTimeProvider(), new KonProRetryOptions());
        using var second = Client(new FakeTimeProvider(), new KonProRetryOptions());

        second.Resilience.Repeatable.Should().NotBeSameAs(first.Resilience.Repeatable, "a pipeline's waits run on its own clock");
    }

    [Fact]
    public void Options_changed_after_a_client_was_created_do_not_reach_it()
    {
        var clock = new FakeTimeProvider();
        var options = new KonProRetryOptions();
        using var first = Client(clock, options);
        options.MaxRetries = 1;
        using var second = Client(clock, new KonProRetryOptions());

        second.Resilience.Repeatable.Should().BeSameAs(first.Resilience.Repeatable, "the first client read its options when it was created");
    }

    [Fact]
    public async Task A_shared_pipeline_logs_and_counts_each_clients_retries_with_that_clients_own_logger_and_meter()
    {
        using var probeA = new RetryProbe();
        using var probeB = new RetryProbe();
        await using var scope = await FakeServerScope.StartAsync();
        var clock = new FakeTimeProvider();
        var options = new KonProRetryOptions { MaxRetries = 2, BaseDelay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero };
        using var http = new HttpClient();
        using var telemetryA = new KonProTelemetry(probeA);
        using var telemetryB = new KonProTelemetry(probeB);
        using var a = new KonProRestClient(http, new Uri(scope.Server.Url), KonProCredential.ApiKey(scope.Server.ApiKey), probeA.CreateLogger("a"), telemetryA, clock, new SecretRedactor(), options);
        using var b = new KonProRestClient(http, new Uri(scope.Server.Url), KonProCredential.ApiKey(scope.Server.ApiKey), probeB.CreateLogger("b"), telemetryB, clock, new SecretRedactor(), options);
        a.Resilience.Repeatable.Should().BeSameAs(b.Resilience.Repeatable);

        scope.Server.Faults.FailNext(KonProOperationIds.ListSessions, 1, FaultAnswer.Error(503, "SERVICE_UNAVAILABLE", "busy"));
        await a.CallAsync("ListSessions", (api, ct) => api.ListSessionsAsync(ct), r => (r.Code, r.Message), CancellationToken.None);
        scope.Server.Faults.FailNext(KonProOperationIds.ListSessions, 2, FaultAnswer.Error(503, "SERVICE_UNAVAILABLE", "busy"));
        await b.CallAsync("ListSessions", (api, ct) => api.ListSessionsAsync(ct), r => (r.Code, r.Message), CancellationToken.None);

        probeA.RetryLogs.Should().ContainSingle().Which.Should().Contain("ListSessions");
        probeA.RetriesCounted.Should().Be(1);
        probeB.RetryLogs.Should().HaveCount(2);
        probeB.RetriesCounted.Should().Be(2);
    }

    [Fact]
    public void Every_client_serializes_with_the_one_source_generated_options()
    {
        using var first = Client(TimeProvider.System, null);
        using var second = Client(TimeProvider.System, null);

        var options = SerializerOf(first);
        SerializerOf(second).Should().BeSameAs(options);
        options.TypeInfoResolver.Should().NotBeNull();
        options.TypeInfoResolverChain.Should().NotContain(r => r is System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver, "no reflection-based metadata");
        options.GetTypeInfo(typeof(Api.TaskRequest)).Should().NotBeNull("the API's bodies come from KonProJsonContext");
    }

    private static KonProRestClient Client(TimeProvider time, KonProRetryOptions? retry) =>
        new(httpClient: null, Nowhere, KonProCredential.ApiKey("key"), NullLogger.Instance, Telemetry, time, new SecretRedactor(), retry);

    private static JsonSerializerOptions SerializerOf(KonProRestClient client) =>
        (JsonSerializerOptions)typeof(Api.KonProApiClient).GetProperty("JsonSerializerSettings", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(client.Api)!;
}
