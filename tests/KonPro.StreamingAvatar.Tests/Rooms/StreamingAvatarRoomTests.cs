using KonPro.Streaming.Tests.Support;

namespace KonPro.Streaming.Tests.Rooms;

public sealed class StreamingAvatarRoomTests
{
    [Fact]
    public async Task With_a_room_the_stream_is_ready_when_its_media_is_and_data_channel_events_merge_without_duplicates()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var connector = new InMemoryRoomConnector();
        var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions { RoomConnector = connector });
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);

        var start = avatar.CreateStartAvatarAsync(new StartAvatarRequest { EnablePushToTalk = true });
        // The room is joined from the moment new answers; the start then waits in Connecting for the room's media.
        await Wait.UntilAsync(() => avatar.CurrentState == SessionState.Connecting);
        connector.Request.Should().NotBeNull();
        events.Items.OfType<StreamReady>().Should().BeEmpty();
        connector.Room.SetMediaReady();
        var session = await start;

        connector.Request!.SessionId.Should().Be(session.SessionId);
        connector.Request.AccessToken.Should().Be(session.AccessToken);
        (await events.WaitForAsync<StreamReady>()).SessionId.Should().Be(session.SessionId);

        var handle = await avatar.SpeakAsync(new SpeakRequest { Text = "Room test.", TaskType = TaskType.Repeat, TaskMode = TaskMode.Sync });
        await handle.WaitForCompletionAsync(FakeServerScope.Patience);
        // The same start event again, now from the data channel (name in "type"): a duplicate.
        connector.Room.Send($$"""{"type":"avatar_start_talking","task_id":"{{handle.TaskId}}"}""");
        connector.Room.Send("not json at all");
        connector.Room.SetQuality(ConnectionQuality.Good);
        await events.WaitForAsync<ConnectionQualityChanged>();

        events.Items.OfType<AvatarStartTalking>().Where(e => e.TaskId == handle.TaskId).Should().ContainSingle();
        avatar.ConnectionQuality.Should().Be(ConnectionQuality.Good);

        await avatar.PushToTalkStartAsync();
        await avatar.PushToTalkStopAsync();
        connector.Room.Published.Should().Equal("push_to_talk:start", "push_to_talk:stop");

        await avatar.StopAvatarAsync();
        connector.Room.Disposed.Should().BeTrue();
    }

    [Fact]
    public async Task As_the_agent_participant_the_room_is_joined_with_livekit_agent_token_and_the_users_credentials_are_left_for_a_browser()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var connector = new InMemoryRoomConnector();
        connector.Room.SetMediaReady();
        var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions { RoomConnector = connector, RoomRole = RoomParticipantRole.Agent });
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);

        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest { EnablePushToTalk = true });

        session.AgentAccessToken.Should().NotBeNullOrEmpty().And.NotBe(session.AccessToken);
        connector.Request!.Role.Should().Be(RoomParticipantRole.Agent);
        connector.Request.AccessToken.Should().Be(session.AgentAccessToken);
        connector.Request.Url.Should().Be(session.Url);
        session.UserRoomCredentials.Should().Be(new RoomCredentials(session.Url, session.AccessToken));
        session.AgentRoomCredentials.Should().Be(new RoomCredentials(session.Url, session.AgentAccessToken!));

        // Events, publishing and the session's end work as for the user participant.
        connector.Room.Send("""{"type":"avatar_start_talking","task_id":"agent-t1"}""");
        (await events.WaitForAsync<AvatarStartTalking>()).TaskId.Should().Be("agent-t1");
        await avatar.PushToTalkStartAsync();
        connector.Room.Published.Should().Equal("push_to_talk:start");
        await avatar.StopAvatarAsync();
        connector.Room.Disposed.Should().BeTrue();
    }

    [Fact]
    public async Task By_default_the_room_is_joined_as_the_user_participant()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var connector = new InMemoryRoomConnector();
        connector.Room.SetMediaReady();
        var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions { RoomConnector = connector });

        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());

        connector.Request!.Role.Should().Be(RoomParticipantRole.User);
        connector.Request.AccessToken.Should().Be(session.AccessToken);
        await avatar.StopAvatarAsync();
    }

    [Fact]
    public async Task A_room_that_closes_on_its_own_ends_the_session_with_stream_disconnected()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var connector = new InMemoryRoomConnector();
        connector.Room.SetMediaReady();
        var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions { RoomConnector = connector });
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);

        connector.Room.Close();

        var disconnected = await events.WaitForAsync<StreamDisconnected>();
        disconnected.Reason.Should().Be(DisconnectReason.ServerClosed);
        disconnected.CloseDescription.Should().Be("room_closed");
        await events.WaitForCompletionAsync();
        await Wait.UntilAsync(() => scope.Server.GetSession(session.SessionId)!.Status == Api.SessionStatus.Closed);
    }

    [Fact]
    public async Task Bad_bytes_on_the_data_channel_never_throw_into_the_room_and_the_session_goes_on()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var connector = new InMemoryRoomConnector();
        connector.Room.SetMediaReady();
        var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions { RoomConnector = connector });
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);

        connector.Room.Invoking(r => r.SendBytes([0xFF, 0xFE, 0x7B])).Should().NotThrow();
        connector.Room.Invoking(r => r.Send("""{"type":"avatar_talking_message","task_id":"t","message":"\ud800"}""")).Should().NotThrow();
        connector.Room.Invoking(r => r.Send("""{"type":"\udc00"}""")).Should().NotThrow();
        connector.Room.Send("""{"type":"user_start"}""");

        await events.WaitForAsync<UserStart>();
        avatar.CurrentState.Should().Be(SessionState.Connected);
    }
}
