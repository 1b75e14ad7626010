using KonPro.Streaming.Testing;
using KonPro.Streaming.Tests.Support;

namespace KonPro.Streaming.Tests.Session;

/// <summary>Every disconnect goes through the one close path: whatever ends the session, it closes once.</summary>
public sealed class SessionClosePathTests
{
    [Fact]
    public async Task A_drop_and_a_stop_at_the_same_time_close_the_session_once()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        await scope.WaitForSocketAsync(session.SessionId);
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);

        scope.Server.Faults.AbortChat(session.SessionId);
        await avatar.StopAvatarAsync();
        await avatar.StopAvatarAsync();

        await events.WaitForCompletionAsync();
        events.Items.OfType<StreamDisconnected>().Should().ContainSingle();
        avatar.CurrentState.Should().Be(SessionState.Closed);
        avatar.DisconnectReason.Should().BeOneOf(DisconnectReason.ClientStop, DisconnectReason.NetworkLost);
        scope.Calls(KonProOperationIds.StopSession).Should().ContainSingle("one close path calls stop once");
        scope.Server.GetSession(session.SessionId)!.Status.Should().Be(Api.SessionStatus.Closed);
    }

    [Fact]
    public async Task A_failed_start_closes_through_the_same_path_and_stops_the_created_session()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();
        using var states = new EventRecorder<SessionState>(avatar.State);
        var session = await avatar.NewSessionAsync(new StartAvatarRequest());
        scope.Server.Faults.RefuseChatSockets(true, session.SessionId);

        await FluentActions.Awaiting(() => avatar.StartSessionAsync()).Should().ThrowExactlyAsync<KonPro.Streaming.Realtime.ChatSocketHandshakeException>()
            .Where(e => e.Message.Contains("HTTP 503", StringComparison.Ordinal), "the fake refuses the socket's upgrade with a 503");

        await states.WaitForCompletionAsync();
        states.Items.Should().EndWith([SessionState.Disconnecting, SessionState.Closed]);
        avatar.DisconnectReason.Should().Be(DisconnectReason.ServerClosed, "the refused socket is why the start failed");
        scope.Calls(KonProOperationIds.StopSession).Should().ContainSingle();
    }
}
