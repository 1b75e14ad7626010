using System.Text;
using KonPro.Streaming.Tests.Support;

namespace KonPro.Streaming.Tests.Rooms;

/// <summary>
/// Issue 18.2 over the room connector seam: only the avatar's participant (or the room's server) speaks for the avatar.
/// Another participant's data message (another browser with the user token, an agent) is delivered as
/// <see cref="StreamingAvatar.ParticipantData"/> with its identity, topic and bytes, never as an avatar event.
/// </summary>
public sealed class RoomParticipantDataTests
{
    [Fact]
    public async Task Another_participants_avatar_events_are_its_data_and_never_the_avatars()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var connector = new InMemoryRoomConnector();
        connector.Room.SetMediaReady();
        var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions { RoomConnector = connector });
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);
        using var talking = new EventRecorder<bool>(avatar.IsAvatarTalking);
        using var data = new EventRecorder<AvatarRoomDataMessage>(avatar.ParticipantData);
        connector.Room.Send("""{"type":"avatar_start_talking","task_id":"t-1"}""");
        await events.WaitForAsync<AvatarStartTalking>(e => e.TaskId == "t-1");

        connector.Room.SendFrom(AvatarRoomDataSender.Participant, "client-2", """{"type":"avatar_stop_talking","task_id":"t-1","duration_ms":5}""", topic: "chat");
        connector.Room.SendFrom(AvatarRoomDataSender.Participant, "agent", """{"type":"user_talking_message","task_id":"u-1","message":"I am the user"}""");
        connector.Room.SendFrom(AvatarRoomDataSender.Participant, "agent", "not even JSON");
        connector.Room.Send("""{"type":"avatar_talking_message","task_id":"t-1","message":"still me"}""");
        await events.WaitForAsync<AvatarTalkingMessage>(e => e.TaskId == "t-1");
        await Wait.UntilAsync(() => data.Items.Count == 3);

        events.Items.Select(e => e.Name).Should().Equal(StreamingEvents.AvatarStartTalking, StreamingEvents.AvatarTalkingMessage);
        talking.Items.Should().Equal([false, true], "the avatar is still talking: the stop came from someone else");
        data.Items.Select(d => (d.ParticipantIdentity, d.Topic, Encoding.UTF8.GetString(d.Payload.Span))).Should().Equal(
            ("client-2", "chat", """{"type":"avatar_stop_talking","task_id":"t-1","duration_ms":5}"""),
            ("agent", null, """{"type":"user_talking_message","task_id":"u-1","message":"I am the user"}"""),
            ("agent", null, "not even JSON"));
        data.Items.Should().OnlyContain(d => d.Sender == AvatarRoomDataSender.Participant && d.SessionId == session.SessionId && d.ReceivedAt != default);

        await avatar.StopAvatarAsync();
        await data.WaitForCompletionAsync();
    }

    [Fact]
    public async Task The_room_servers_messages_count_as_the_avatars()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var connector = new InMemoryRoomConnector();
        connector.Room.SetMediaReady();
        var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions { RoomConnector = connector });
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);
        using var data = new EventRecorder<AvatarRoomDataMessage>(avatar.ParticipantData);

        connector.Room.SendFrom(AvatarRoomDataSender.Server, null, """{"type":"avatar_start_talking","task_id":"t-9"}""");
        connector.Room.SendFrom(AvatarRoomDataSender.Server, null, """{"type":"avatar_stop_talking","task_id":"t-9"}""");

        await events.WaitForAsync<AvatarStopTalking>(e => e.TaskId == "t-9");
        events.Items.OfType<AvatarStartTalking>().Should().ContainSingle(e => e.TaskId == "t-9");
        data.Items.Should().BeEmpty();
    }

    [Fact]
    public async Task A_message_whose_sender_nobody_classified_is_not_trusted()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var connector = new InMemoryRoomConnector();
        connector.Room.SetMediaReady();
        var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions { RoomConnector = connector });
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);
        using var data = new EventRecorder<AvatarRoomDataMessage>(avatar.ParticipantData);

        connector.Room.SendMessage(new AvatarRoomDataMessage("{\"type\":\"user_start\"}"u8.ToArray(), default));

        default(AvatarRoomDataSender).Should().Be(AvatarRoomDataSender.Participant);
        (await data.WaitForAsync(_ => true)).ParticipantIdentity.Should().BeNull();
        events.Items.Should().BeEmpty();
    }
}
