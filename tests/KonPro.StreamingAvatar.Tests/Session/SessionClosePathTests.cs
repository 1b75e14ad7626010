using System.Reactive.Linq;
using KonPro.Streaming.Testing;
using KonPro.Streaming.Tests.Support;
using Microsoft.Extensions.Time.Testing;

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

        await FluentActions.Awaiting(() => avatar.StartSessionAsync()).Should().ThrowExactlyAsync<KonProServerException>()
            .Where(e => e.Status == 503 && e.InnerException is KonPro.Streaming.Realtime.ChatSocketHandshakeException, "the fake refuses the socket's upgrade with a 503");

        await states.WaitForCompletionAsync();
        states.Items.Should().EndWith([SessionState.Disconnecting, SessionState.Closed]);
        avatar.DisconnectReason.Should().Be(DisconnectReason.ServerClosed, "the refused socket is why the start failed");
        scope.Calls(KonProOperationIds.StopSession).Should().ContainSingle();
    }

    [Fact]
    public async Task A_stop_closes_the_chat_socket_and_the_room_while_the_servers_stop_is_still_unanswered()
    {
        // The fake answers stop only when its (virtual) clock has moved past the latency: until the test moves it, the
        // REST stop is in flight, so whatever else the close has done by then it did without waiting for the stop.
        var serverTime = new FakeTimeProvider(new DateTimeOffset(2026, 5, 6, 7, 8, 9, TimeSpan.Zero));
        await using var scope = await FakeServerScope.StartAsync(o => o.TimeProvider = serverTime);
        var connector = new InMemoryRoomConnector();
        connector.Room.SetMediaReady();
        var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions { RoomConnector = connector });
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        await scope.WaitForSocketAsync(session.SessionId);
        var speech = await avatar.SpeakAsync(new SpeakRequest { Text = "Never finished: the fake's clock stands still.", TaskType = TaskType.Repeat, TaskMode = TaskMode.Async });
        scope.Server.Faults.AddLatency(TimeSpan.FromMinutes(1), session.SessionId);

        var stop = avatar.StopAvatarAsync();

        await scope.WaitForSocketAsync(session.SessionId, count: 0);
        connector.Room.Disposed.Should().BeFalse("the server's stop ends the room; the client does not race it with a leave of its own");
        connector.Room.End(); // what LiveKit's ROOM_DELETED does, sent by the server as it handles the stop
        await Wait.UntilAsync(() => connector.Room.Disposed);
        stop.IsCompleted.Should().BeFalse("the server has not answered stop");
        scope.Calls(KonProOperationIds.StopSession).Should().BeEmpty("the fake records a call when it answers it");
        events.Items.OfType<StreamDisconnected>().Should().BeEmpty("stream_disconnected comes once every part of the close has finished");

        serverTime.Advance(TimeSpan.FromMinutes(1));
        await stop.WaitAsync(FakeServerScope.Patience);

        scope.Calls(KonProOperationIds.StopSession).Should().ContainSingle().Which.Status.Should().Be(200);
        await events.WaitForCompletionAsync();
        events.Items.OfType<StreamDisconnected>().Should().ContainSingle().Which.Reason.Should().Be(DisconnectReason.ClientStop);
        (await speech.Completed.WaitAsync(FakeServerScope.Patience)).Outcome.Should().Be(SpeakOutcome.SessionClosed);
        avatar.CurrentState.Should().Be(SessionState.Closed);
    }

    [Fact]
    public async Task A_room_that_does_not_end_after_the_server_accepted_stop_is_left_by_the_client()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var connector = new InMemoryRoomConnector();
        connector.Room.SetMediaReady();
        var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions { RoomConnector = connector });
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());

        await avatar.StopAvatarAsync();

        connector.Room.Disposed.Should().BeTrue("the room never ended on its own, so the close left it once its wait for the server was over");
        events.Items.OfType<StreamDisconnected>().Should().ContainSingle();
    }

    [Fact]
    public async Task After_an_accepted_stop_stream_disconnected_follows_the_avatar_leaving_the_room_without_waiting_for_the_rooms_own_end()
    {
        // The fake answers stop only when its (virtual) clock moves: the avatar leaves while the stop is unanswered.
        var serverTime = new FakeTimeProvider(new DateTimeOffset(2026, 5, 6, 7, 8, 9, TimeSpan.Zero));
        await using var scope = await FakeServerScope.StartAsync(o => o.TimeProvider = serverTime);
        var connector = new InMemoryRoomConnector();
        connector.Room.SetMediaReady();
        connector.Room.SubscribeAvatarTracks();
        var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions { RoomConnector = connector });
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);
        var roomLeftAtDisconnect = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var probe = avatar.Events.OfType<StreamDisconnected>().Subscribe(_ => roomLeftAtDisconnect.TrySetResult(connector.Room.Disposed));
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        await scope.WaitForSocketAsync(session.SessionId);
        scope.Server.Faults.AddLatency(TimeSpan.FromMinutes(1), session.SessionId);

        var stop = avatar.StopAvatarAsync();
        await scope.WaitForSocketAsync(session.SessionId, count: 0);
        connector.Room.Send("""{"type":"room_before_departure"}""");
        connector.Room.AvatarLeaves();
        connector.Room.Send("""{"type":"room_after_departure_before_answer"}""");
        await events.WaitForAsync<UnknownStreamingEvent>(e => e.Name == "room_after_departure_before_answer");
        events.Items.OfType<StreamDisconnected>().Should().BeEmpty("until the server accepts stop, the session waits for the room");

        serverTime.Advance(TimeSpan.FromMinutes(1));

        (await roomLeftAtDisconnect.Task.WaitAsync(FakeServerScope.Patience)).Should().BeFalse(
            "once the server accepted stop and the avatar has left, the stream is over: the room's own end (and the leave after it) is not waited for");
        stop.IsCompleted.Should().BeFalse("the close itself ends once the room is released, after the room's own end");
        connector.Room.Send("""{"type":"room_after_stream_disconnected"}""");
        connector.Room.End(); // LiveKit's ROOM_DELETED, which the core reports once it has closed its connections
        await stop.WaitAsync(FakeServerScope.Patience);
        connector.Room.Disposed.Should().BeTrue();
        await events.WaitForCompletionAsync();
        events.Items.Select(e => e.Name).Should().EndWith(
            ["room_before_departure", "room_after_departure_before_answer", StreamingEvents.StreamDisconnected],
            "what the room delivered before comes first, in order, and nothing after stream_disconnected");
        events.Items.OfType<StreamDisconnected>().Should().ContainSingle().Which.Reason.Should().Be(DisconnectReason.ClientStop);
        avatar.CurrentState.Should().Be(SessionState.Closed);
    }

    [Fact]
    public async Task A_failing_stop_and_a_failing_room_leave_do_not_keep_the_chat_socket_from_closing_and_the_stop_still_reports_its_failure()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var connector = new InMemoryRoomConnector();
        connector.Room.SetMediaReady();
        connector.Room.DisposeFailure = new InvalidOperationException("the room would not let go");
        var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions { RoomConnector = connector });
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        await scope.WaitForSocketAsync(session.SessionId);
        scope.Server.Faults.FailNext(KonProOperationIds.StopSession, 1, FaultAnswer.Error(400, "INVALID_PARAMETER", "stop refused"), session.SessionId);

        var stop = () => avatar.StopAvatarAsync();

        (await stop.Should().ThrowAsync<KonProApiException>()).Which.Message.Should().Contain("stop refused", "a client stop sees the server's failure, as before");
        await events.WaitForCompletionAsync();
        events.Items.OfType<StreamDisconnected>().Should().ContainSingle();
        connector.Room.Disposed.Should().BeTrue();
        await scope.WaitForSocketAsync(session.SessionId, count: 0);
        avatar.CurrentState.Should().Be(SessionState.Closed);
    }
}
