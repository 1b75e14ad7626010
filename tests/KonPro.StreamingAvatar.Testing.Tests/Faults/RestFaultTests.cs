using System.Diagnostics;
using System.Net;
using KonPro.Streaming.Testing.Tests.Support;

namespace KonPro.Streaming.Testing.Tests.Faults;

public sealed class RestFaultTests
{
    [Fact]
    public async Task Added_latency_delays_answers()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        server.Faults.AddLatency(TimeSpan.FromSeconds(10)); // 200 ms real at 0.02

        var watch = Stopwatch.StartNew();
        var answer = await api.GetAsync("/v1/streaming/avatars");

        answer.Status.Should().Be(HttpStatusCode.OK);
        watch.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(190));
    }

    [Fact]
    public async Task Latency_can_target_one_session()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        server.Faults.AddLatency(TimeSpan.FromSeconds(10), sessionId);

        var watch = Stopwatch.StartNew();
        (await api.PostAsync("/v1/streaming/keep_alive", new { session_id = sessionId }, Credential.Bearer(token))).Status.Should().Be(HttpStatusCode.OK);

        watch.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(190));
    }

    [Fact]
    public async Task The_next_n_calls_of_an_operation_fail_with_the_given_error()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        server.Faults.FailNext(KonProOperationIds.ListAvatars, 2, FaultAnswer.Error(503, "SERVICE_UNAVAILABLE", "service unavailable", retryAfterSeconds: 2));

        var first = await api.GetAsync("/v1/streaming/avatars");
        var second = await api.GetAsync("/v1/streaming/avatar.list");
        var third = await api.GetAsync("/v1/streaming/avatars");

        first.ShouldBeError(HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
        first.RetryAfter.Should().Be(TimeSpan.FromSeconds(2));
        second.ShouldBeError(HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
        third.Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Older_error_envelopes_can_be_served()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        server.Faults.FailNext(KonProOperationIds.CreateToken, 1, FaultAnswer.LegacyCode());
        server.Faults.FailNext(KonProOperationIds.ListSessions, 1, FaultAnswer.Detail(422, "Field required"));

        var legacy = await api.PostAsync("/v1/streaming/create_token", new { });
        var detail = await api.GetAsync("/v1/streaming/sessions");

        legacy.Status.Should().Be(HttpStatusCode.Unauthorized);
        legacy.Body.GetProperty("code").GetInt32().Should().Be(400112);
        legacy.Body.GetProperty("message").GetString().Should().Be("Unauthorized");
        detail.Status.Should().Be(HttpStatusCode.UnprocessableEntity);
        detail.Body.GetProperty("detail").GetString().Should().Be("Field required");
    }

    [Fact]
    public async Task A_2xx_answer_with_a_non_success_code_can_be_served()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        server.Faults.FailNext(KonProOperationIds.NewSession, 1, FaultAnswer.NonSuccessCode(10001, "avatar busy"));

        var answer = await api.PostAsync("/v1/streaming/new", new { });

        answer.Status.Should().Be(HttpStatusCode.OK);
        answer.Body.GetProperty("code").GetInt32().Should().Be(10001);
        answer.Body.GetProperty("message").GetString().Should().Be("avatar busy");
        server.Sessions.Should().BeEmpty();
    }

    [Fact]
    public async Task Success_codes_can_be_sent_as_strings()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        server.Faults.StringSuccessCodes(true);

        var avatars = await api.GetAsync("/v1/streaming/avatars");
        var token = await api.PostAsync("/v1/streaming/create_token", new { });
        server.Faults.StringSuccessCodes(false);
        var again = await api.GetAsync("/v1/streaming/avatars");

        avatars.Body.GetProperty("code").GetString().Should().Be("SUCCESS");
        avatars.Data.GetArrayLength().Should().BeGreaterThan(0);
        token.Body.TryGetProperty("code", out _).Should().BeFalse();
        again.Body.GetProperty("code").GetInt32().Should().Be(100);
    }

    [Fact]
    public async Task A_failure_can_target_one_session()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (tokenA, a) = await api.NewSessionAsync();
        var (tokenB, b) = await api.NewSessionAsync();
        server.Faults.FailNext(KonProOperationIds.SendTask, 1, FaultAnswer.Error(500, "PROCESSING_ERROR", "internal error"), a);

        var onB = await api.PostAsync("/v1/streaming/task", new { session_id = b, text = "fine", task_mode = "async" }, Credential.Bearer(tokenB));
        var onA = await api.PostAsync("/v1/streaming/task", new { session_id = a, text = "boom", task_mode = "async" }, Credential.Bearer(tokenA));

        onB.Status.Should().Be(HttpStatusCode.OK);
        onA.ShouldBeError(HttpStatusCode.InternalServerError, "PROCESSING_ERROR");
    }

    [Fact]
    public async Task Reset_turns_every_fault_off()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        server.Faults.FailNext(KonProOperationIds.ListAvatars, 5, FaultAnswer.Error(503, "SERVICE_UNAVAILABLE", "down"));

        server.Faults.Reset();

        (await api.GetAsync("/v1/streaming/avatars")).Status.Should().Be(HttpStatusCode.OK);
    }
}
