using System.Net;
using System.Net.Sockets;
using KonPro.Streaming.Testing;
using KonPro.Streaming.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace KonPro.Streaming.Tests.Http;

/// <summary>
/// The default retry policy against the fake's REST faults over loopback, with the back-off and Retry-After waits
/// in virtual time (the client's <see cref="TimeProvider"/> is a fake clock the test advances).
/// </summary>
public sealed class RetryTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task Keep_alive_is_retried_after_503_twice_and_then_succeeds()
    {
        using var probe = new RetryProbe();
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync(probe.AvatarOptions());
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        scope.Server.Faults.FailNext(KonProOperationIds.KeepAlive, 2, FaultAnswer.Error(503, "SERVICE_UNAVAILABLE", "busy"));

        var call = avatar.KeepAliveAsync();
        await probe.WaitForRetriesAsync(1);
        call.IsCompleted.Should().BeFalse("the first retry waits for its back-off on the virtual clock");
        await AdvanceUntilAsync(probe, () => probe.RetryLogs.Count == 2);
        await AdvanceUntilAsync(probe, () => call.IsCompleted);
        await call;

        await JournalHasAsync(scope, KonProOperationIds.KeepAlive, 3);
        scope.Calls(KonProOperationIds.KeepAlive).Select(c => c.Status).Should().Equal(503, 503, 200);
        probe.RetryLogs.Should().HaveCount(2).And.AllSatisfy(l => l.Should().Contain("KeepAlive").And.Contain("HTTP 503 SERVICE_UNAVAILABLE"));
        probe.RetriesCounted.Should().Be(2);
    }

    [Fact]
    public async Task A_429_is_retried_exactly_when_retry_after_says()
    {
        using var probe = new RetryProbe();
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync(probe.AvatarOptions());
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        scope.Server.Faults.FailNext(KonProOperationIds.KeepAlive, 1, FaultAnswer.Error(429, "RATE_LIMIT_EXCEEDED", "slow down", retryAfterSeconds: 7));

        var call = avatar.KeepAliveAsync();
        var backOff = await probe.WaitForRetriesAsync(1);
        probe.Time.Advance(TimeSpan.FromSeconds(6.9));
        // Advance fires every timer that is due before it returns: the back-off's has not, so no retry was sent.
        backOff.HasFired.Should().BeFalse("Retry-After asked for 7 s and only 6.9 s passed");
        backOff.DueTime.Should().Be(TimeSpan.FromSeconds(7));
        probe.Time.Advance(TimeSpan.FromSeconds(0.1));
        backOff.HasFired.Should().BeTrue();
        await call.WaitAsync(FakeServerScope.Patience);

        await JournalHasAsync(scope, KonProOperationIds.KeepAlive, 2);
        scope.Calls(KonProOperationIds.KeepAlive).Select(c => c.Status).Should().Equal(429, 200);
        probe.RetryLogs.Should().ContainSingle().Which.Should().Contain("7000 ms");
    }

    [Fact]
    public async Task A_retry_after_beyond_the_cap_fails_at_once_with_the_rate_limit_error()
    {
        using var probe = new RetryProbe();
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync(probe.AvatarOptions(new KonProRetryOptions { MaxRetryAfter = TimeSpan.FromSeconds(30) }));
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        scope.Server.Faults.FailNext(KonProOperationIds.KeepAlive, 1, FaultAnswer.Error(429, "RATE_LIMIT_EXCEEDED", "slow down", retryAfterSeconds: 120));

        var error = await avatar.Invoking(a => a.KeepAliveAsync()).Should().ThrowAsync<KonProRateLimitException>();

        error.Which.RetryAfter.Should().Be(TimeSpan.FromSeconds(120));
        await JournalHasAsync(scope, KonProOperationIds.KeepAlive, 1);
        scope.Calls(KonProOperationIds.KeepAlive).Should().HaveCount(1);
        probe.RetryLogs.Should().BeEmpty();
    }

    [Fact]
    public async Task Keep_alive_is_retried_after_a_connection_reset()
    {
        using var probe = new RetryProbe();
        await using var scope = await FakeServerScope.StartAsync();
        await using var proxy = new ResettingProxy(scope.Server.Url);
        using var http = ResettingProxy.CreateClient();
        await using var avatar = await StartThroughProxyAsync(scope, proxy, http, probe);
        proxy.ResetNext("/v1/streaming/keep_alive", 1);

        var call = avatar.KeepAliveAsync();
        await probe.WaitForRetriesAsync(1);
        await AdvanceUntilAsync(probe, () => call.IsCompleted);
        await call;

        proxy.Resets("/v1/streaming/keep_alive").Should().Be(1);
        await JournalHasAsync(scope, KonProOperationIds.KeepAlive, 1);
        scope.Calls(KonProOperationIds.KeepAlive).Select(c => c.Status).Should().Equal(200);
        probe.RetryLogs.Should().ContainSingle().Which.Should().Contain("no answer");
    }

    [Fact]
    public async Task Task_is_never_sent_twice_after_a_503()
    {
        using var probe = new RetryProbe();
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync(probe.AvatarOptions());
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        scope.Server.Faults.FailNext(KonProOperationIds.SendTask, 1, FaultAnswer.Error(503, "SERVICE_UNAVAILABLE", "busy", retryAfterSeconds: 1));

        await avatar.Invoking(a => a.SpeakAsync(new SpeakRequest { Text = "Only once.", TaskMode = TaskMode.Async }))
            .Should().ThrowAsync<KonProServerException>();

        await JournalHasAsync(scope, KonProOperationIds.SendTask, 1);
        scope.Calls(KonProOperationIds.SendTask).Should().ContainSingle();
        probe.RetryLogs.Should().BeEmpty();
    }

    [Fact]
    public async Task Task_is_never_sent_twice_after_a_connection_reset()
    {
        using var probe = new RetryProbe();
        await using var scope = await FakeServerScope.StartAsync();
        await using var proxy = new ResettingProxy(scope.Server.Url);
        using var http = ResettingProxy.CreateClient();
        await using var avatar = await StartThroughProxyAsync(scope, proxy, http, probe);
        proxy.ResetNext("/v1/streaming/task", 1);

        await avatar.Invoking(a => a.SpeakAsync(new SpeakRequest { Text = "Only once.", TaskMode = TaskMode.Async }))
            .Should().ThrowAsync<HttpRequestException>();

        proxy.Resets("/v1/streaming/task").Should().Be(1);
        scope.Calls(KonProOperationIds.SendTask).Should().BeEmpty("the reset attempt never reached the fake, and there was no second one");
        probe.RetryLogs.Should().BeEmpty();
    }

    [Fact]
    public async Task Task_is_retried_when_the_connection_could_not_be_made()
    {
        using var probe = new RetryProbe();
        var closedPort = FreeLoopbackPort();
        using var http = new HttpClient();
        var retry = new KonProRetryOptions { MaxRetries = 2, BaseDelay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero };
        using var telemetry = new KonProTelemetry(probe);
        using var rest = new KonProRestClient(
            http, new Uri($"http://127.0.0.1:{closedPort}/"), KonProCredential.SessionToken("tok"), probe.CreateLogger("test"), telemetry, probe.Time, new SecretRedactor(), retry);

        var act = async () => await rest.CallAsync(
            "SendTask",
            (api, ct) => api.SendTaskAsync(new Api.TaskRequest { SessionId = "s", Text = "hi" }, ct),
            r => (r.Code, r.Message),
            CancellationToken.None);

        var error = await act.Should().ThrowAsync<HttpRequestException>();
        error.Which.HttpRequestError.Should().Be(HttpRequestError.ConnectionError);
        probe.RetryLogs.Should().HaveCount(2, "nothing was sent, so even task may be tried again");
    }

    [Fact]
    public async Task Calls_that_succeed_at_once_build_no_retry_pipeline_and_the_first_retry_builds_only_the_one_it_needs()
    {
        using var probe = new RetryProbe();
        await using var scope = await FakeServerScope.StartAsync();
        using var http = new HttpClient();
        var retry = new KonProRetryOptions { MaxRetries = 2, BaseDelay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero };
        using var telemetry = new KonProTelemetry(probe);
        using var rest = new KonProRestClient(
            http, new Uri(scope.Server.Url), KonProCredential.ApiKey(scope.Server.ApiKey), probe.CreateLogger("test"), telemetry, probe.Time, new SecretRedactor(), retry);
        async Task ListAsync() => await rest.CallAsync("ListSessions", (api, ct) => api.ListSessionsAsync(ct), r => (r.Code, r.Message), CancellationToken.None);

        await ListAsync();
        await ListAsync();
        rest.Resilience.PipelinesBuilt.Should().Be(0, "a call that succeeds at its first attempt never enters a pipeline");

        scope.Server.Faults.FailNext(KonProOperationIds.ListSessions, 1, FaultAnswer.Error(503, "SERVICE_UNAVAILABLE", "busy"));
        await ListAsync();

        probe.RetryLogs.Should().ContainSingle();
        rest.Resilience.PipelinesBuilt.Should().Be(1, "the retry built the pipeline of the calls safe to repeat, and only that one");
    }

    [Fact]
    public async Task Retries_switched_off_fail_at_the_first_503()
    {
        using var probe = new RetryProbe();
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync(probe.AvatarOptions(KonProRetryOptions.None));
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        scope.Server.Faults.FailNext(KonProOperationIds.KeepAlive, 1, FaultAnswer.Error(503, "SERVICE_UNAVAILABLE", "busy"));

        await avatar.Invoking(a => a.KeepAliveAsync()).Should().ThrowAsync<KonProServerException>();

        await JournalHasAsync(scope, KonProOperationIds.KeepAlive, 1);
        scope.Calls(KonProOperationIds.KeepAlive).Should().ContainSingle();
    }

    [Fact]
    public async Task A_call_that_runs_out_of_its_total_time_throws_timeout()
    {
        using var probe = new RetryProbe();
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync(probe.AvatarOptions(new KonProRetryOptions { TotalTimeout = TimeSpan.FromSeconds(5) }));
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        scope.Server.Faults.AddLatency(TimeSpan.FromHours(1));

        var call = avatar.KeepAliveAsync();
        probe.Time.Advance(TimeSpan.FromSeconds(5));

        await call.Awaiting(c => c.WaitAsync(FakeServerScope.Patience)).Should().ThrowAsync<TimeoutException>().WithMessage("*KeepAlive timed out*");
        scope.Server.Faults.AddLatency(TimeSpan.Zero);
    }

    [Fact]
    public async Task An_attempt_that_runs_out_of_its_time_is_abandoned_and_retried()
    {
        using var probe = new RetryProbe();
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync(probe.AvatarOptions(new KonProRetryOptions { AttemptTimeout = TimeSpan.FromSeconds(2) }));
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        scope.Server.Faults.AddLatency(TimeSpan.FromHours(1));

        var call = avatar.KeepAliveAsync();
        probe.Time.Advance(TimeSpan.FromSeconds(2));
        await probe.WaitForRetriesAsync(1);
        scope.Server.Faults.AddLatency(TimeSpan.Zero);
        await AdvanceUntilAsync(probe, () => call.IsCompleted);
        await call;

        probe.RetryLogs.Should().ContainSingle().Which.Should().Contain("the attempt timed out");
        await JournalHasAsync(scope, KonProOperationIds.KeepAlive, 1);
        scope.Calls(KonProOperationIds.KeepAlive).Should().Contain(c => c.Status == 200);
    }

    [Fact]
    public async Task With_retries_off_an_attempt_that_runs_out_of_its_time_throws_timeout()
    {
        using var probe = new RetryProbe();
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync(probe.AvatarOptions(new KonProRetryOptions { Enabled = false, AttemptTimeout = TimeSpan.FromSeconds(2) }));
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        scope.Server.Faults.AddLatency(TimeSpan.FromHours(1));

        var call = avatar.KeepAliveAsync();
        probe.Time.Advance(TimeSpan.FromSeconds(2));

        await call.Awaiting(c => c.WaitAsync(FakeServerScope.Patience)).Should().ThrowAsync<TimeoutException>().WithMessage("*KeepAlive timed out after 2 s*");
        probe.RetryLogs.Should().BeEmpty();
        scope.Server.Faults.AddLatency(TimeSpan.Zero);
    }

    [Fact]
    public async Task The_total_time_counts_from_the_first_attempt_across_the_retries()
    {
        using var probe = new RetryProbe();
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync(probe.AvatarOptions(new KonProRetryOptions { AttemptTimeout = TimeSpan.FromSeconds(3), TotalTimeout = TimeSpan.FromSeconds(5) }));
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        scope.Server.Faults.AddLatency(TimeSpan.FromHours(1));
        var start = probe.Time.GetUtcNow();

        var call = avatar.KeepAliveAsync();
        probe.Time.Advance(TimeSpan.FromSeconds(3));
        await probe.WaitForRetriesAsync(1);
        // To exactly 5 s and no further: the call must end there (a second attempt with 3 s of its own would not).
        probe.Time.Advance(TimeSpan.FromSeconds(2));

        await call.Awaiting(c => c.WaitAsync(FakeServerScope.Patience)).Should().ThrowAsync<TimeoutException>()
            .WithMessage("*KeepAlive timed out after 5 s*", "the second attempt had only what was left of the 5 s");
        (probe.Time.GetUtcNow() - start).Should().Be(TimeSpan.FromSeconds(5));
        probe.RetryLogs.Should().ContainSingle().Which.Should().Contain("the attempt timed out");
        scope.Server.Faults.AddLatency(TimeSpan.Zero);
    }

    [Fact]
    public async Task The_dependency_injection_registration_retries_by_default()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var services = new ServiceCollection();
        services.AddKonProStreamingAvatar(
            o =>
            {
                o.ApiKey = scope.Server.ApiKey;
                o.BasePath = scope.Server.Url;
            },
            o =>
            {
                o.Retry.BaseDelay = TimeSpan.FromMilliseconds(1);
                o.Retry.MaxDelay = TimeSpan.FromMilliseconds(5);
            });
        await using var provider = services.BuildServiceProvider();
        var admin = provider.GetRequiredService<KonProAdminClient>();
        scope.Server.Faults.FailNext(KonProOperationIds.CreateToken, 1, FaultAnswer.Error(502, "PROCESSING_ERROR", "bad gateway"));

        var token = await admin.CreateTokenAsync();

        token.Should().NotBeNullOrEmpty();
        await JournalHasAsync(scope, KonProOperationIds.CreateToken, 2);
        scope.Calls(KonProOperationIds.CreateToken).Select(c => c.Status).Should().Equal(502, 200);
    }

    /// <summary>A started session that reaches the fake through the resetting proxy.</summary>
    private static async Task<StreamingAvatar> StartThroughProxyAsync(FakeServerScope scope, ResettingProxy proxy, HttpClient http, RetryProbe probe)
    {
        var avatar = new StreamingAvatar(new StreamingAvatarApiConfig { Token = await scope.Server.CreateSessionTokenAsync(), BasePath = proxy.Url }, http, probe.AvatarOptions());
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        return avatar;
    }

    [Theory]
    [InlineData(-1, 0.5, 10)]
    [InlineData(11, 0.5, 10)]
    [InlineData(3, -1, 10)]
    [InlineData(3, 5, 1)]
    public void Bad_retry_options_are_refused_before_anything_is_sent(int maxRetries, double baseDelaySeconds, double maxDelaySeconds)
    {
        var retry = new KonProRetryOptions { MaxRetries = maxRetries, BaseDelay = TimeSpan.FromSeconds(baseDelaySeconds), MaxDelay = TimeSpan.FromSeconds(maxDelaySeconds) };

        var act = () => new StreamingAvatar(new StreamingAvatarApiConfig { Token = "t", BasePath = "http://127.0.0.1:1" }, null, new StreamingAvatarOptions { Retry = retry });

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*KonProRetryOptions*");
    }

    [Theory]
    [InlineData("KeepAlive", true)]
    [InlineData("StartListening", true)]
    [InlineData("StopListening", true)]
    [InlineData("InterruptTask", true)]
    [InlineData("StopSession", true)]
    [InlineData("CreateToken", true)]
    [InlineData("ListAvatars", true)]
    [InlineData("ListSessionHistory", true)]
    [InlineData("SendTask", false)]
    [InlineData("NewSession", false)]
    [InlineData("StartSession", false)]
    [InlineData("CreateKnowledgeBase", false)]
    [InlineData("DeleteKnowledgeBase", false)]
    public void Only_calls_safe_to_repeat_are_retried_after_they_were_sent(string operation, bool safe) =>
        KonProResilience.IsSafeToRepeat(operation).Should().Be(safe);

    /// <summary>The fake writes a call to its journal as it answers; wait (bounded) until the last one is there.</summary>
    private static Task JournalHasAsync(FakeServerScope scope, string operationId, int count) =>
        Wait.UntilAsync(() => scope.Calls(operationId).Count >= count);

    /// <summary>Moves the virtual clock on in small steps until the condition holds (bounded in real time).</summary>
    private static async Task AdvanceUntilAsync(RetryProbe probe, Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + FakeServerScope.Patience;
        while (!condition())
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the condition should hold after a bounded wait");
            probe.Time.Advance(Step);
            await Task.Delay(20);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
