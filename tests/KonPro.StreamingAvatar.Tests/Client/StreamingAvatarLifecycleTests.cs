using System.Text.Json;
using KonPro.Streaming.Testing;
using KonPro.Streaming.Tests.Support;

namespace KonPro.Streaming.Tests.Client;

public sealed class StreamingAvatarLifecycleTests
{
    [Fact]
    public async Task Create_start_goes_through_every_state_opens_the_chat_socket_and_raises_stream_ready()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();
        using var states = new EventRecorder<SessionState>(avatar.State);
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);

        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest { AvatarName = "default", Quality = AvatarQuality.Low });

        states.Items.Should().Equal(SessionState.Inactive, SessionState.Creating, SessionState.Starting, SessionState.Connecting, SessionState.Connected);
        avatar.SessionId.Should().Be(session.SessionId);
        avatar.CurrentState.Should().Be(SessionState.Connected);
        (await events.WaitForAsync<StreamReady>()).SessionId.Should().Be(session.SessionId);
        await scope.WaitForSocketAsync(session.SessionId);
        var newCall = scope.Calls(KonProOperationIds.NewSession).Should().ContainSingle().Subject;
        newCall.Credential.Should().Be(CredentialKind.SessionToken);
        var body = JsonDocument.Parse(newCall.RequestBody!).RootElement;
        body.GetProperty("source").GetString().Should().Be("sdk");
        body.GetProperty("quality").GetString().Should().Be("low");
        scope.Calls(KonProOperationIds.StartSession).Should().ContainSingle();
    }

    [Fact]
    public async Task Works_with_the_api_key_too()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync(useApiKey: true);

        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());

        avatar.CurrentState.Should().Be(SessionState.Connected);
        scope.Calls(KonProOperationIds.NewSession).Single().Credential.Should().Be(CredentialKind.ApiKey);
        await scope.WaitForSocketAsync(session.SessionId);
    }

    [Fact]
    public async Task New_then_start_separately()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();

        var session = await avatar.NewSessionAsync(new StartAvatarRequest());
        avatar.CurrentState.Should().Be(SessionState.Creating);
        scope.Calls(KonProOperationIds.StartSession).Should().BeEmpty();
        await avatar.StartSessionAsync();

        avatar.CurrentState.Should().Be(SessionState.Connected);
        avatar.SessionInfo!.SessionId.Should().Be(session.SessionId);
    }

    [Fact]
    public async Task Stop_closes_everything_completes_the_streams_and_is_idempotent()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);
        using var states = new EventRecorder<SessionState>(avatar.State);

        await Task.WhenAll(avatar.StopAvatarAsync(), avatar.StopAvatarAsync());
        await avatar.StopAvatarAsync();

        await events.WaitForCompletionAsync();
        await states.WaitForCompletionAsync();
        states.Items.Should().EndWith([SessionState.Disconnecting, SessionState.Closed]);
        events.Items.Last().Should().BeOfType<StreamDisconnected>().Which.Reason.Should().Be(DisconnectReason.ClientStop);
        avatar.DisconnectReason.Should().Be(DisconnectReason.ClientStop);
        scope.Calls(KonProOperationIds.StopSession).Should().ContainSingle();
        scope.Server.GetSession(session.SessionId)!.Status.Should().Be(Api.SessionStatus.Closed);
    }

    [Fact]
    public async Task Dispose_stops_the_session_and_is_safe_twice()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = new StreamingAvatar(await scope.TokenConfigAsync(), scope.Http);
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());

        await avatar.DisposeAsync();
        await avatar.DisposeAsync();

        scope.Server.GetSession(session.SessionId)!.Status.Should().Be(Api.SessionStatus.Closed);
        avatar.CurrentState.Should().Be(SessionState.Closed);
        var act = () => avatar.SpeakAsync(new SpeakRequest { Text = "hi" });
        (await act.Should().ThrowAsync<ObjectDisposedException>()).Which.ObjectName.Should().Be(typeof(StreamingAvatar).FullName);
    }

    [Fact]
    public async Task Cancelling_a_start_stops_the_session_the_server_creates_after_the_caller_gave_up()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();
        // The fake waits before it creates the session (250 s at the scope's time scale: 5 s), so the caller gives up
        // while the new call is still out; the answer comes anyway, and the session it names must be stopped.
        scope.Server.Faults.AddLatency(TimeSpan.FromSeconds(250));
        using var cancel = new CancellationTokenSource();

        var start = avatar.CreateStartAvatarAsync(new StartAvatarRequest(), cancel.Token);
        await cancel.CancelAsync();
        var act = () => start;

        await act.Should().ThrowAsync<OperationCanceledException>();
        avatar.CurrentState.Should().Be(SessionState.Closed);
        avatar.DisconnectReason.Should().Be(DisconnectReason.StartFailed);
        // The stop is delayed like every call (another 5 s); the journal has it once it is answered.
        await Wait.UntilAsync(() => scope.Calls(KonProOperationIds.StopSession).Count == 1);
        scope.Server.Sessions.Should().ContainSingle().Which.Status.Should().Be(Api.SessionStatus.Closed);
    }

    [Fact]
    public async Task A_second_session_on_the_same_instance_is_refused_before_any_call()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync(useApiKey: true);
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());

        var act = () => avatar.CreateStartAvatarAsync(new StartAvatarRequest());

        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("*state*Connected*");
        scope.Calls(KonProOperationIds.NewSession).Should().ContainSingle();
    }

    [Fact]
    public async Task A_failed_new_session_leaves_the_instance_usable()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync(useApiKey: true);
        scope.Server.Faults.FailNext(KonProOperationIds.NewSession, 1, FaultAnswer.Error(503, "SERVICE_UNAVAILABLE", "try later", retryAfterSeconds: 2));

        var act = () => avatar.CreateStartAvatarAsync(new StartAvatarRequest());

        var failure = await act.Should().ThrowAsync<KonProServerException>();
        failure.Which.RetryAfter.Should().Be(TimeSpan.FromSeconds(2));
        avatar.CurrentState.Should().Be(SessionState.Inactive);
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        avatar.CurrentState.Should().Be(SessionState.Connected);
    }

    [Fact]
    public async Task A_failed_start_stops_the_created_session()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();
        scope.Server.Faults.FailNext(KonProOperationIds.StartSession, 1, FaultAnswer.Error(500, "PROCESSING_ERROR", "broken"));

        var act = () => avatar.CreateStartAvatarAsync(new StartAvatarRequest());

        await act.Should().ThrowAsync<KonProServerException>();
        avatar.CurrentState.Should().Be(SessionState.Closed);
        avatar.DisconnectReason.Should().Be(DisconnectReason.StartFailed);
        scope.Calls(KonProOperationIds.StopSession).Should().ContainSingle();
    }

    [Fact]
    public async Task A_refused_chat_socket_fails_the_start_and_stops_the_session()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();
        scope.Server.Faults.RefuseChatSockets(true);

        var act = () => avatar.CreateStartAvatarAsync(new StartAvatarRequest());

        // The refusal is the API's answer about the session, typed as a REST call's would be, with the socket's error inside.
        var refused = (await act.Should().ThrowExactlyAsync<KonProServerException>()).Which;
        refused.Status.Should().Be(503, "the fake refuses the socket's upgrade with a 503");
        refused.Operation.Should().Be("ConnectChatSocket");
        refused.IsRetryable.Should().BeTrue();
        refused.InnerException.Should().BeOfType<KonPro.Streaming.Realtime.ChatSocketHandshakeException>()
            .Which.Message.Should().Contain("HTTP 503");
        avatar.CurrentState.Should().Be(SessionState.Closed);
        scope.Calls(KonProOperationIds.StopSession).Should().ContainSingle();
    }

    [Theory]
    [InlineData("""{"code":100,"data":null}""")]
    [InlineData("{}")]
    [InlineData("""{"code":100,"message":"success","data":{}}""")]
    public async Task A_failed_new_leaves_the_instance_reusable(string body)
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync(useApiKey: true);
        using var states = new EventRecorder<SessionState>(avatar.State);
        scope.Server.Faults.FailNext(KonProOperationIds.NewSession, 1, FaultAnswer.Raw(200, body));

        await FluentActions.Awaiting(() => avatar.NewSessionAsync(new StartAvatarRequest())).Should().ThrowAsync<KonProApiException>();

        avatar.CurrentState.Should().Be(SessionState.Inactive);
        avatar.SessionId.Should().BeNull();
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        avatar.CurrentState.Should().Be(SessionState.Connected);
        avatar.SessionId.Should().Be(session.SessionId);
        states.Items.Should().StartWith([SessionState.Inactive, SessionState.Creating, SessionState.Inactive, SessionState.Creating]);
    }
}
